using System.Buffers;

namespace Meterline.Dlms.Hdlc;

/// <summary>
/// Extracts HDLC frames from a byte stream (IEC 62056-46). Resynchronises on the next flag after garbage, counts
/// and drops frames with a bad HCS or FCS, and never waits for more than <see cref="MaxFrameLength"/> bytes: a frame
/// that announces more than the negotiated maximum is dropped at once. A closing flag may double as the next frame's
/// opening flag. Not thread-safe: one reader per link.
/// </summary>
public sealed class HdlcFrameReader
{
    private const int MinimumFrameLength = 2 + 1 + 1 + 1 + 2;

    private int _maxInformationLength;

    /// <param name="maxInformationLength">
    /// The largest information field accepted, normally the negotiated maximum receive length (default 128,
    /// IEC 62056-46 §6.4.4.4.3.2).
    /// </param>
    public HdlcFrameReader(int maxInformationLength = HdlcParameters.DefaultMaxInformationLength)
    {
        MaxInformationLength = maxInformationLength;
    }

    /// <summary>The largest information field accepted; set it after SNRM/UA negotiation.</summary>
    public int MaxInformationLength
    {
        get => _maxInformationLength;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            _maxInformationLength = Math.Min(value, HdlcFrame.MaximumFrameLength - 13);
        }
    }

    /// <summary>The largest value of the frame length field accepted (4-byte destination, 1-byte source).</summary>
    public int MaxFrameLength => MaxInformationLength + 2 + 4 + 4 + 1 + 2 + 2;

    /// <summary>Frames returned.</summary>
    public long FramesRead { get; private set; }

    /// <summary>Frames dropped because the HCS or FCS did not match.</summary>
    public long ChecksumErrors { get; private set; }

    /// <summary>Frames dropped because their length exceeded the maximum, or their structure was invalid.</summary>
    public long MalformedFrames { get; private set; }

    /// <summary>Bytes skipped while looking for a frame.</summary>
    public long GarbageBytes { get; private set; }

    /// <summary>
    /// Reads the next good frame from <paramref name="buffer"/> and slices off what it consumed. Returns false when
    /// more bytes are needed; bytes that can never start a frame are consumed (and counted) even then.
    /// </summary>
    public bool TryRead(ref ReadOnlySequence<byte> buffer, out HdlcFrame frame)
    {
        Span<byte> head = stackalloc byte[3];
        Span<byte> scratch = stackalloc byte[HdlcFrame.MaximumFrameLength];
        while (true)
        {
            if (!SkipToFlag(ref buffer) || buffer.Length < 3)
            {
                frame = null!;
                return false;
            }

            // Consecutive flags: the first one closes (or idles) and the next one opens.
            buffer.Slice(0, 3).CopyTo(head);
            if (head[1] == HdlcFrame.Flag)
            {
                buffer = buffer.Slice(1);
                continue;
            }

            var length = ((head[1] & 0x07) << 8) | head[2];
            if ((head[1] & 0xF0) != 0xA0 || length < MinimumFrameLength || length > MaxFrameLength)
            {
                // Not the start of an acceptable frame: drop this flag and look for the next one.
                MalformedFrames++;
                GarbageBytes++;
                buffer = buffer.Slice(1);
                continue;
            }

            if (buffer.Length < length + 2)
            {
                frame = null!;
                return false;
            }

            var bytes = scratch[..length];
            buffer.Slice(1, length).CopyTo(bytes);
            if (buffer.Slice(length + 1, 1).FirstSpan[0] != HdlcFrame.Flag)
            {
                MalformedFrames++;
                GarbageBytes++;
                buffer = buffer.Slice(1);
                continue;
            }

            // Leave the closing flag: it may open the next frame.
            var outcome = TryParse(bytes, out frame);
            buffer = buffer.Slice(length + 1);
            switch (outcome)
            {
                case ParseOutcome.Ok:
                    FramesRead++;
                    return true;
                case ParseOutcome.BadChecksum:
                    ChecksumErrors++;
                    break;
                default:
                    MalformedFrames++;
                    break;
            }
        }
    }

    private enum ParseOutcome
    {
        Ok,
        BadChecksum,
        Malformed,
    }

    private static ParseOutcome TryParse(ReadOnlySpan<byte> bytes, out HdlcFrame frame)
    {
        frame = null!;
        if (!HdlcCrc.Verify(bytes[..^2], bytes[^2..]))
        {
            return ParseOutcome.BadChecksum;
        }

        var at = 2;
        if (!HdlcAddress.TryDecode(bytes[at..^2], out var destination, out var n))
        {
            return ParseOutcome.Malformed;
        }

        at += n;
        if (!HdlcAddress.TryDecode(bytes[at..^2], out var source, out n))
        {
            return ParseOutcome.Malformed;
        }

        at += n;
        if (at >= bytes.Length - 2)
        {
            return ParseOutcome.Malformed;
        }

        var control = new HdlcControl(bytes[at++]);
        if (!control.IsKnown)
        {
            return ParseOutcome.Malformed;
        }

        ReadOnlyMemory<byte> information = ReadOnlyMemory<byte>.Empty;
        var remaining = bytes.Length - 2 - at;
        if (remaining > 0)
        {
            // An information field is preceded by the HCS over the header.
            if (remaining < 3)
            {
                return ParseOutcome.Malformed;
            }

            if (!HdlcCrc.Verify(bytes[..at], bytes.Slice(at, 2)))
            {
                return ParseOutcome.BadChecksum;
            }

            at += 2;
            information = bytes[at..^2].ToArray();
        }

        frame = new HdlcFrame(destination, source, control, information, (bytes[0] & 0x08) != 0);
        return ParseOutcome.Ok;
    }

    private bool SkipToFlag(ref ReadOnlySequence<byte> buffer)
    {
        var position = buffer.PositionOf(HdlcFrame.Flag);
        if (position is null)
        {
            GarbageBytes += buffer.Length;
            buffer = buffer.Slice(buffer.End);
            return false;
        }

        var skipped = buffer.Slice(0, position.Value).Length;
        GarbageBytes += skipped;
        buffer = buffer.Slice(position.Value);
        return true;
    }
}
