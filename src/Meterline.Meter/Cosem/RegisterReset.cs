using Meterline.Dlms.Apdus;
using Meterline.Dlms.Cosem;

namespace Meterline.Meter.Cosem;

/// <summary>
/// Method 1 reset of the Register family (Blue Book 4.3.2, 4.3.3: <c>reset (data)</c>, data ::= integer(0)): resets
/// the value to its default. ReadWriteDenied when the register cannot be reset or the meter declines.
/// </summary>
internal static class RegisterReset
{
    public const sbyte Method = 1;

    public static (ActionResult Result, CosemData? ReturnData) Invoke(Func<bool>? reset, CosemData? parameters)
    {
        if (reset is null)
        {
            return (ActionResult.ReadWriteDenied, null);
        }

        if (MethodParameters.CheckIntegerZero(parameters) is { } refusal)
        {
            return (refusal, null);
        }

        return (reset() ? ActionResult.Success : ActionResult.ReadWriteDenied, null);
    }
}
