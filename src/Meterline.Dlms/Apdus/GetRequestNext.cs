using Meterline.Dlms.Axdr;

namespace Meterline.Dlms.Apdus;

/// <summary>
/// GET-Request-Next (Green Book ed. 8 §9.5, get-request-next [2] of Get-Request, tag 0xC0): asks for the block after
/// <see cref="BlockNumber"/> of a long GET response.
/// </summary>
public sealed record GetRequestNext(InvokeIdAndPriority InvokeIdAndPriority, uint BlockNumber) : Apdu
{
    internal const byte Choice = 2;

    public override byte Tag => ApduTag.GetRequest;

    internal static GetRequestNext Read(ref AxdrReader reader)
    {
        ApduFields.ReadHeader(ref reader, ApduTag.GetRequest, Choice, "Get-Request-Next");
        var invokeIdAndPriority = InvokeIdAndPriority.Read(ref reader);
        return new GetRequestNext(invokeIdAndPriority, reader.ReadUInt32());
    }

    internal override void WriteTo(AxdrWriter writer)
    {
        ApduFields.WriteHeader(writer, Tag, Choice);
        InvokeIdAndPriority.Write(writer);
        writer.WriteUInt32(BlockNumber);
    }
}
