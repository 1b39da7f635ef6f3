using System.Buffers;
using Meterline.Dlms.Apdus;
using Meterline.Dlms.Axdr;
using Meterline.Dlms.Cosem;

namespace Meterline.Dlms.Associations;

/// <summary>
/// Reassembles a GET answered with datablocks (Green Book, "GET service with block transfer"): blocks must arrive
/// numbered 1, 2, 3 …; the raw data of all blocks together is the A-XDR encoding of the attribute's value. Block count
/// and total size are capped, so a server that never sets last-block cannot exhaust the client.
/// </summary>
public sealed class DatablockReassembler
{
    private readonly BlockTransferLimits _limits;
    private readonly ArrayBufferWriter<byte> _data = new();
    private uint _expected = 1;

    public DatablockReassembler(BlockTransferLimits? limits = null)
    {
        _limits = limits ?? BlockTransferLimits.Default;
    }

    /// <summary>The block number the next GET-Request-Next acknowledges.</summary>
    public uint LastBlockNumber => _expected - 1;

    /// <summary>
    /// Adds one block. Returns the attribute's result when the last block (or a data-access-result) arrived, null when
    /// the next block must be asked for with GET-Request-Next(<see cref="LastBlockNumber"/>).
    /// </summary>
    /// <exception cref="DlmsProtocolException">A block out of sequence, or beyond the limits.</exception>
    /// <exception cref="DlmsFormatException">The reassembled data is not valid A-XDR.</exception>
    public GetDataResult? Append(DataBlockG block)
    {
        ArgumentNullException.ThrowIfNull(block);
        if (block.BlockNumber != _expected)
        {
            throw new DlmsProtocolException(DlmsErrorReason.InvalidState, $"Datablock {block.BlockNumber} received where {_expected} was expected");
        }

        if (block.RawData is not { } raw)
        {
            return new GetDataResult(block.Result);
        }

        if (_expected > _limits.MaxBlocks || (long)_data.WrittenCount + raw.Length > _limits.MaxTotalBytes)
        {
            throw new DlmsProtocolException(DlmsErrorReason.LengthOutOfRange, $"Block transfer exceeds {_limits.MaxBlocks} blocks or {_limits.MaxTotalBytes} bytes");
        }

        _data.Write(raw.Span);
        _expected++;
        if (!block.LastBlock)
        {
            return null;
        }

        var reader = new AxdrReader(_data.WrittenSpan);
        var value = CosemDataCodec.Read(ref reader);
        reader.EnsureAtEnd();
        return new GetDataResult(value);
    }
}
