using Meterline.Dlms.Apdus;
using Meterline.Dlms.Cosem;

namespace Meterline.Meter.Cosem;

/// <summary>Checks of method parameters shared by several interface classes.</summary>
internal static class MethodParameters
{
    /// <summary>
    /// The <c>data ::= integer(0)</c> parameter of methods such as reset, capture and the clock adjustments (Blue Book
    /// 4.3.2, 4.3.6, 4.5.1): null when it is one, otherwise TypeUnmatched for another type (or no parameter) and
    /// OtherReason for an integer other than 0.
    /// </summary>
    public static ActionResult? CheckIntegerZero(CosemData? parameters) => parameters switch
    {
        CosemData.Integer { Value: 0 } => null,
        CosemData.Integer => ActionResult.OtherReason,
        _ => ActionResult.TypeUnmatched,
    };
}
