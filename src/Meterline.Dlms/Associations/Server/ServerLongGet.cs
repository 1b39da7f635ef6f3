using Meterline.Dlms.Apdus;
using Meterline.Dlms.Axdr;

namespace Meterline.Dlms.Associations.Server;

/// <summary>
/// A long GET in progress (Green Book ed. 8 §9.4.6.2, GET with block transfer): the encoded value still to send,
/// cut into DataBlock-G raw data as large as the client's max receive PDU size allows. Blocks are numbered from 1;
/// the client acknowledges each with GET-Request-Next carrying the number of the block it received.
/// </summary>
internal sealed class ServerLongGet
{
    // GET-Response-With-Datablock without its raw data: tag, choice, invoke-id-and-priority, last-block,
    // block-number (4), result choice; then the raw data's A-XDR length and the data.
    private const int BlockOverhead = 9;

    private readonly byte[] _data;
    private int _position;

    public ServerLongGet(byte[] data, ServerGrant grant)
    {
        _data = data;
        Grant = grant;
    }

    /// <summary>The protection every GET-Request-Next must carry and every block must be given.</summary>
    public ServerGrant Grant { get; }

    /// <summary>The number of the last block sent (0 before the first).</summary>
    public uint BlockNumber { get; private set; }

    /// <summary>
    /// The next block, as much of the rest as fits in a plain response of <paramref name="maxResponseLength"/>
    /// bytes; null when not even one byte of raw data fits.
    /// </summary>
    public DataBlockG? NextBlock(int maxResponseLength)
    {
        var remaining = _data.Length - _position;
        var size = Math.Min(remaining, maxResponseLength - BlockOverhead - 1);
        while (size > 0 && BlockOverhead + AxdrWriter.GetLengthSize(size) + size > maxResponseLength)
        {
            size--;
        }

        if (size <= 0)
        {
            return null;
        }

        var raw = _data.AsMemory(_position, size);
        _position += size;
        BlockNumber++;
        return new DataBlockG(_position == _data.Length, BlockNumber, raw);
    }
}
