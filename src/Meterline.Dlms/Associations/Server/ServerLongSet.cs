using System.Buffers;
using System.Collections.Immutable;
using Meterline.Dlms.Apdus;

namespace Meterline.Dlms.Associations.Server;

/// <summary>
/// A long SET in progress (Green Book ed. 8 §9.4.6.3, SET with block transfer): the attributes being written, the
/// refusals already decided for them, and the raw data received so far. Blocks are numbered from 1 and must arrive
/// in order; the data held never exceeds <see cref="Associations.BlockTransferLimits"/>, and only bytes actually
/// received are stored.
/// </summary>
internal sealed class ServerLongSet
{
    private readonly ArrayBufferWriter<byte> _data = new();
    private int _blocks;

    public ServerLongSet(
        ImmutableArray<CosemAttributeDescriptorWithSelection> attributes,
        ImmutableArray<DataAccessResult?> refusals,
        ServerGrant grant,
        bool withList)
    {
        Attributes = attributes;
        Refusals = refusals;
        Grant = grant;
        WithList = withList;
    }

    public ImmutableArray<CosemAttributeDescriptorWithSelection> Attributes { get; }

    /// <summary>Per attribute, the refusal decided at the first block, or null when it will be written.</summary>
    public ImmutableArray<DataAccessResult?> Refusals { get; }

    /// <summary>The protection every further block must carry and the response must be given.</summary>
    public ServerGrant Grant { get; }

    /// <summary>True for SET-Request-With-List-And-First-Datablock (the response is a list).</summary>
    public bool WithList { get; }

    /// <summary>The number of the last block received (0 before the first).</summary>
    public uint BlockNumber { get; private set; }

    /// <summary>The raw data of all blocks so far: the A-XDR encoding of the value or of the list of values.</summary>
    public ReadOnlySpan<byte> Data => _data.WrittenSpan;

    /// <summary>Adds the next block; false, adding nothing, when it would exceed <paramref name="limits"/>.</summary>
    public bool TryAppend(DataBlockSA block, BlockTransferLimits limits)
    {
        if (_blocks >= limits.MaxBlocks || block.RawData.Length > limits.MaxTotalBytes - _data.WrittenCount)
        {
            return false;
        }

        _blocks++;
        BlockNumber = block.BlockNumber;
        _data.Write(block.RawData.Span);
        return true;
    }
}
