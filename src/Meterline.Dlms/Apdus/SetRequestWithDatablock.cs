using Meterline.Dlms.Axdr;

namespace Meterline.Dlms.Apdus;

/// <summary>
/// SET-Request-With-Datablock (Green Book ed. 8 §9.5, set-request-with-datablock [3] of Set-Request, tag 0xC1): a
/// further block of a long SET.
/// </summary>
public sealed record SetRequestWithDatablock(InvokeIdAndPriority InvokeIdAndPriority, DataBlockSA DataBlock) : Apdu
{
    internal const byte Choice = 3;

    public DataBlockSA DataBlock { get; init; } = DataBlock ?? throw new ArgumentNullException(nameof(DataBlock));

    public override byte Tag => ApduTag.SetRequest;

    internal static SetRequestWithDatablock Read(ref AxdrReader reader)
    {
        ApduFields.ReadHeader(ref reader, ApduTag.SetRequest, Choice, "Set-Request-With-Datablock");
        var invokeIdAndPriority = InvokeIdAndPriority.Read(ref reader);
        return new SetRequestWithDatablock(invokeIdAndPriority, DataBlockSA.Read(ref reader));
    }

    internal override void WriteTo(AxdrWriter writer)
    {
        ApduFields.WriteHeader(writer, Tag, Choice);
        InvokeIdAndPriority.Write(writer);
        DataBlock.Write(writer);
    }
}
