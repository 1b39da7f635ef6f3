using Meterline.Dlms.Axdr;

namespace Meterline.Dlms.Apdus;

/// <summary>
/// ACTION-Response-Normal (Green Book ed. 8 §9.5, action-response-normal [1] of Action-Response, tag 0xC7): the
/// outcome of one method invocation, with any returned data.
/// </summary>
public sealed record ActionResponseNormal(InvokeIdAndPriority InvokeIdAndPriority, ActionResponseWithOptionalData SingleResponse) : Apdu
{
    internal const byte Choice = 1;

    public ActionResponseWithOptionalData SingleResponse { get; init; } =
        SingleResponse ?? throw new ArgumentNullException(nameof(SingleResponse));

    public override byte Tag => ApduTag.ActionResponse;

    internal static ActionResponseNormal Read(ref AxdrReader reader)
    {
        ApduFields.ReadHeader(ref reader, ApduTag.ActionResponse, Choice, "Action-Response-Normal");
        var invokeIdAndPriority = InvokeIdAndPriority.Read(ref reader);
        return new ActionResponseNormal(invokeIdAndPriority, ActionResponseWithOptionalData.Read(ref reader));
    }

    internal override void WriteTo(AxdrWriter writer)
    {
        ApduFields.WriteHeader(writer, Tag, Choice);
        InvokeIdAndPriority.Write(writer);
        SingleResponse.Write(writer);
    }
}
