using Meterline.Dlms.Axdr;

namespace Meterline.Dlms.Apdus;

/// <summary>
/// GET-Response-With-Datablock (Green Book ed. 8 §9.5, get-response-with-datablock [2] of Get-Response, tag 0xC4): one
/// block of a value too long for a single APDU.
/// </summary>
public sealed record GetResponseWithDatablock(InvokeIdAndPriority InvokeIdAndPriority, DataBlockG Result) : Apdu
{
    internal const byte Choice = 2;

    public DataBlockG Result { get; init; } = Result ?? throw new ArgumentNullException(nameof(Result));

    public override byte Tag => ApduTag.GetResponse;

    internal static GetResponseWithDatablock Read(ref AxdrReader reader)
    {
        ApduFields.ReadHeader(ref reader, ApduTag.GetResponse, Choice, "Get-Response-With-Datablock");
        var invokeIdAndPriority = InvokeIdAndPriority.Read(ref reader);
        return new GetResponseWithDatablock(invokeIdAndPriority, DataBlockG.Read(ref reader));
    }

    internal override void WriteTo(AxdrWriter writer)
    {
        ApduFields.WriteHeader(writer, Tag, Choice);
        InvokeIdAndPriority.Write(writer);
        Result.Write(writer);
    }
}
