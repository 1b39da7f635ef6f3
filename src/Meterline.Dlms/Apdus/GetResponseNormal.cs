using Meterline.Dlms.Axdr;

namespace Meterline.Dlms.Apdus;

/// <summary>
/// GET-Response-Normal (Green Book ed. 8 §9.5, get-response-normal [1] of Get-Response, tag 0xC4): the value of one
/// attribute, or why it could not be read.
/// </summary>
public sealed record GetResponseNormal(InvokeIdAndPriority InvokeIdAndPriority, GetDataResult Result) : Apdu
{
    internal const byte Choice = 1;

    public GetDataResult Result { get; init; } = Result ?? throw new ArgumentNullException(nameof(Result));

    public override byte Tag => ApduTag.GetResponse;

    internal static GetResponseNormal Read(ref AxdrReader reader)
    {
        ApduFields.ReadHeader(ref reader, ApduTag.GetResponse, Choice, "Get-Response-Normal");
        var invokeIdAndPriority = InvokeIdAndPriority.Read(ref reader);
        return new GetResponseNormal(invokeIdAndPriority, GetDataResult.Read(ref reader));
    }

    internal override void WriteTo(AxdrWriter writer)
    {
        ApduFields.WriteHeader(writer, Tag, Choice);
        InvokeIdAndPriority.Write(writer);
        Result.Write(writer);
    }
}
