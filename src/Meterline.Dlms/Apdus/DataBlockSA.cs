using System.Globalization;
using Meterline.Dlms.Axdr;

namespace Meterline.Dlms.Apdus;

/// <summary>
/// One block of a long SET request or of an ACTION's parameters or results (Green Book ed. 8 §9.5,
/// <c>DataBlock-SA ::= SEQUENCE { last-block BOOLEAN, block-number Unsigned32, raw-data OCTET STRING }</c>). The raw
/// data of all blocks, joined, is the A-XDR encoding of the value. <see cref="ToString"/> shows only its length: a
/// block may carry a secret being written.
/// </summary>
public sealed record DataBlockSA(bool LastBlock, uint BlockNumber, ReadOnlyMemory<byte> RawData)
{
    public bool Equals(DataBlockSA? other) =>
        other is not null
        && LastBlock == other.LastBlock
        && BlockNumber == other.BlockNumber
        && RawData.Span.SequenceEqual(other.RawData.Span);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(LastBlock);
        hash.Add(BlockNumber);
        hash.AddBytes(RawData.Span);
        return hash.ToHashCode();
    }

    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"DataBlockSA {{ LastBlock = {LastBlock}, BlockNumber = {BlockNumber}, RawData = {RawData.Length} bytes }}");

    internal static DataBlockSA Read(ref AxdrReader reader)
    {
        var lastBlock = ApduFields.ReadBoolean(ref reader);
        var blockNumber = reader.ReadUInt32();
        return new DataBlockSA(lastBlock, blockNumber, reader.ReadLengthPrefixedBytes().ToArray());
    }

    internal void Write(AxdrWriter writer)
    {
        ApduFields.WriteBoolean(writer, LastBlock);
        writer.WriteUInt32(BlockNumber);
        writer.WriteLengthPrefixedBytes(RawData.Span);
    }
}
