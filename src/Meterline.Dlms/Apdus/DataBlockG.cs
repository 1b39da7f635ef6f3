using System.Globalization;
using Meterline.Dlms.Axdr;

namespace Meterline.Dlms.Apdus;

/// <summary>
/// One block of a long GET response (Green Book ed. 8 §9.5, <c>DataBlock-G ::= SEQUENCE { last-block BOOLEAN,
/// block-number Unsigned32, result CHOICE { raw-data [0] IMPLICIT OCTET STRING, data-access-result [1] IMPLICIT
/// Data-Access-Result } }</c>). The raw data of all blocks, joined, is the A-XDR encoding of the value.
/// </summary>
public sealed record DataBlockG
{
    private const byte RawDataChoice = 0;
    private const byte DataAccessResultChoice = 1;

    /// <summary>A block carrying part of the encoded value.</summary>
    public DataBlockG(bool lastBlock, uint blockNumber, ReadOnlyMemory<byte> rawData)
    {
        LastBlock = lastBlock;
        BlockNumber = blockNumber;
        RawData = rawData;
        Result = DataAccessResult.Success;
    }

    /// <summary>A block reporting that the transfer failed.</summary>
    public DataBlockG(bool lastBlock, uint blockNumber, DataAccessResult result)
    {
        LastBlock = lastBlock;
        BlockNumber = blockNumber;
        Result = result;
    }

    public bool LastBlock { get; }

    public uint BlockNumber { get; }

    /// <summary>The raw-data alternative, or null for the data-access-result alternative.</summary>
    public ReadOnlyMemory<byte>? RawData { get; }

    /// <summary><see cref="DataAccessResult.Success"/> for raw data, otherwise the result sent.</summary>
    public DataAccessResult Result { get; }

    public bool Equals(DataBlockG? other) =>
        other is not null
        && LastBlock == other.LastBlock
        && BlockNumber == other.BlockNumber
        && Result == other.Result
        && RawData.HasValue == other.RawData.HasValue
        && (!RawData.HasValue || RawData.Value.Span.SequenceEqual(other.RawData!.Value.Span));

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(LastBlock);
        hash.Add(BlockNumber);
        hash.Add(Result);
        if (RawData is { } raw)
        {
            hash.AddBytes(raw.Span);
        }

        return hash.ToHashCode();
    }

    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"DataBlockG {{ LastBlock = {LastBlock}, BlockNumber = {BlockNumber}, {(RawData is { } raw ? $"RawData = {raw.Length} bytes" : $"Result = {Result}")} }}");

    internal static DataBlockG Read(ref AxdrReader reader)
    {
        var lastBlock = ApduFields.ReadBoolean(ref reader);
        var blockNumber = reader.ReadUInt32();
        var choiceOffset = reader.Position;
        return reader.ReadByte() switch
        {
            RawDataChoice => new DataBlockG(lastBlock, blockNumber, reader.ReadLengthPrefixedBytes().ToArray()),
            DataAccessResultChoice => new DataBlockG(lastBlock, blockNumber, ApduFields.ReadDataAccessResult(ref reader)),
            var choice => throw reader.ErrorAt(choiceOffset, DlmsErrorReason.UnknownTag, $"Unknown DataBlock-G result choice {choice}"),
        };
    }

    internal void Write(AxdrWriter writer)
    {
        ApduFields.WriteBoolean(writer, LastBlock);
        writer.WriteUInt32(BlockNumber);
        if (RawData is { } raw)
        {
            writer.WriteByte(RawDataChoice);
            writer.WriteLengthPrefixedBytes(raw.Span);
        }
        else
        {
            writer.WriteByte(DataAccessResultChoice);
            writer.WriteByte((byte)Result);
        }
    }
}
