using System.Buffers;
using System.Buffers.Binary;

namespace Meterline.Dlms.Wrapper;

/// <summary>
/// Extracts wrapper frames from a TCP byte stream. The wrapper has no flag to synchronise on, so after garbage (a
/// header whose version is not 1) the reader moves forward a byte at a time to the next 00 01 and counts what it
/// skipped. A header announcing more than <see cref="MaxApduLength"/> — the largest APDU the association allows —
/// is dropped at once instead of being waited for (the bytes after it are then skipped as garbage: they are its body).
/// Not thread-safe: one reader per link.
/// </summary>
public sealed class WrapperFrameReader
{
    /// <summary>The default limit: the largest APDU a DLMS association normally negotiates, with margin.</summary>
    public const int DefaultMaxApduLength = 4096;

    private int _maxApduLength;

    /// <summary>Skipping already: after an oversize header (its body follows) or inside a run of garbage.</summary>
    private bool _skipping;

    public WrapperFrameReader(int maxApduLength = DefaultMaxApduLength)
    {
        MaxApduLength = maxApduLength;
    }

    /// <summary>The largest APDU accepted; set it from the negotiated max-receive-pdu-size.</summary>
    public int MaxApduLength
    {
        get => _maxApduLength;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, ushort.MaxValue);
            _maxApduLength = value;
        }
    }

    public long FramesRead { get; private set; }

    /// <summary>Headers dropped because they announced more than <see cref="MaxApduLength"/>.</summary>
    public long OversizeFrames { get; private set; }

    /// <summary>Bytes skipped while looking for a valid header.</summary>
    public long GarbageBytes { get; private set; }

    /// <summary>
    /// Runs of skipped bytes, each counted once however long and however it arrived: how often the stream lost its
    /// framing. Bytes skipped after an oversize header start no run (they are that frame's body, counted in
    /// <see cref="OversizeFrames"/>); a run ends at the next frame.
    /// </summary>
    public long GarbageRuns { get; private set; }

    /// <summary>Reads the next frame and slices off what it consumed; false when more bytes are needed.</summary>
    public bool TryRead(ref ReadOnlySequence<byte> buffer, out WrapperFrame frame)
    {
        Span<byte> header = stackalloc byte[WrapperFrame.HeaderLength];
        while (true)
        {
            frame = null!;
            if (buffer.Length < 2)
            {
                return false;
            }

            buffer.Slice(0, 2).CopyTo(header);
            if (BinaryPrimitives.ReadUInt16BigEndian(header) != WrapperFrame.Version)
            {
                if (!_skipping)
                {
                    GarbageRuns++;
                    _skipping = true;
                }

                GarbageBytes++;
                buffer = buffer.Slice(1);
                continue;
            }

            if (buffer.Length < WrapperFrame.HeaderLength)
            {
                return false;
            }

            buffer.Slice(0, WrapperFrame.HeaderLength).CopyTo(header);
            var length = BinaryPrimitives.ReadUInt16BigEndian(header[6..]);
            if (length > MaxApduLength)
            {
                OversizeFrames++;
                _skipping = true;
                GarbageBytes += WrapperFrame.HeaderLength;
                buffer = buffer.Slice(WrapperFrame.HeaderLength);
                continue;
            }

            if (buffer.Length < WrapperFrame.HeaderLength + length)
            {
                return false;
            }

            frame = new WrapperFrame(
                BinaryPrimitives.ReadUInt16BigEndian(header[2..]),
                BinaryPrimitives.ReadUInt16BigEndian(header[4..]),
                buffer.Slice(WrapperFrame.HeaderLength, length).ToArray());
            buffer = buffer.Slice(WrapperFrame.HeaderLength + length);
            FramesRead++;
            _skipping = false;
            return true;
        }
    }
}
