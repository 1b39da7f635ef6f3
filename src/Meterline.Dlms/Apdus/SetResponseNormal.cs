using Meterline.Dlms.Axdr;

namespace Meterline.Dlms.Apdus;

/// <summary>
/// SET-Response-Normal (Green Book ed. 8 §9.5, set-response-normal [1] of Set-Response, tag 0xC5): the outcome of a
/// SET-Request-Normal.
/// </summary>
public sealed record SetResponseNormal(InvokeIdAndPriority InvokeIdAndPriority, DataAccessResult Result) : Apdu
{
    internal const byte Choice = 1;

    public override byte Tag => ApduTag.SetResponse;

    internal static SetResponseNormal Read(ref AxdrReader reader)
    {
        ApduFields.ReadHeader(ref reader, ApduTag.SetResponse, Choice, "Set-Response-Normal");
        var invokeIdAndPriority = InvokeIdAndPriority.Read(ref reader);
        return new SetResponseNormal(invokeIdAndPriority, ApduFields.ReadDataAccessResult(ref reader));
    }

    internal override void WriteTo(AxdrWriter writer)
    {
        ApduFields.WriteHeader(writer, Tag, Choice);
        InvokeIdAndPriority.Write(writer);
        writer.WriteByte((byte)Result);
    }
}
