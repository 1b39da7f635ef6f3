using System.Buffers;

namespace Meterline.Zigbee.Frames;

/// <summary>
/// Extracts API frames from a byte stream (Digi XBee Zigbee user guide, "API frame format"). Resynchronises on the
/// next 0x7E after garbage; counts and drops frames with a bad checksum, a length of zero or above
/// <see cref="MaxFrameDataLength"/>, and known frame types too short for their fixed fields. In API mode 2 an
/// unescaped 0x7E always starts a new frame, so a frame it interrupts is counted and dropped. Never throws on
/// malformed bytes and never allocates more than one verified frame. Not thread-safe: one reader per stream.
/// </summary>
public sealed class XBeeFrameReader
{
    private readonly byte[] _scratch;
    private XBeeApiMode _mode;

    /// <param name="mode">API mode 1 or 2 (the module's <c>AP</c>).</param>
    /// <param name="maxFrameDataLength">
    /// The largest frame data accepted (frame type included). XBee Zigbee modules send well under 300 bytes; a longer
    /// length field is a corrupt one.
    /// </param>
    public XBeeFrameReader(XBeeApiMode mode = XBeeApiMode.Api, int maxFrameDataLength = 512)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxFrameDataLength, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxFrameDataLength, XBeeFrameCodec.MaxFrameDataLength);
        Mode = mode;
        MaxFrameDataLength = maxFrameDataLength;
        _scratch = new byte[maxFrameDataLength + 1];
    }

    /// <summary>The framing expected: API mode 1 or 2. May change between reads (after <c>ATAP</c>).</summary>
    public XBeeApiMode Mode
    {
        get => _mode;
        set
        {
            if (value is not (XBeeApiMode.Api or XBeeApiMode.ApiEscaped))
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "The reader reads API mode 1 or 2.");
            }

            _mode = value;
        }
    }

    public int MaxFrameDataLength { get; }

    /// <summary>Frames returned.</summary>
    public long FramesRead { get; private set; }

    /// <summary>Frames dropped because the checksum did not match.</summary>
    public long ChecksumErrors { get; private set; }

    /// <summary>Frames dropped because the length field was zero or above <see cref="MaxFrameDataLength"/>.</summary>
    public long LengthErrors { get; private set; }

    /// <summary>Frames dropped because an unescaped 0x7E arrived inside them (API mode 2).</summary>
    public long InterruptedFrames { get; private set; }

    /// <summary>Frames with a good checksum dropped because their frame data was malformed for its type.</summary>
    public long MalformedFrames { get; private set; }

    /// <summary>Bytes skipped while looking for a start delimiter.</summary>
    public long GarbageBytes { get; private set; }

    /// <summary>Why the last malformed frame was dropped (with the offset in its frame data).</summary>
    public XBeeFrameFormatException? LastMalformed { get; private set; }

    /// <summary>
    /// Reads the next good frame from <paramref name="buffer"/> and slices off what it consumed. Returns false when
    /// more bytes are needed; garbage and dropped frames are consumed (and counted) even then.
    /// </summary>
    public bool TryRead(ref ReadOnlySequence<byte> buffer, out XBeeFrame frame)
    {
        while (TryReadFrameData(ref buffer, out var length))
        {
            try
            {
                frame = XBeeFrameCodec.Decode(_scratch.AsSpan(0, length));
                FramesRead++;
                return true;
            }
            catch (XBeeFrameFormatException e)
            {
                MalformedFrames++;
                LastMalformed = e;
            }
        }

        frame = null!;
        return false;
    }

    private enum Step
    {
        Frame,
        NeedMore,
        BadLength,
        BadChecksum,
        Interrupted,
    }

    /// <summary>Finds the next frame with a good checksum; its frame data is in the scratch buffer.</summary>
    private bool TryReadFrameData(ref ReadOnlySequence<byte> buffer, out int length)
    {
        length = 0;
        while (true)
        {
            var position = buffer.PositionOf(XBeeFrameCodec.StartDelimiter);
            if (position is null)
            {
                GarbageBytes += buffer.Length;
                buffer = buffer.Slice(buffer.End);
                return false;
            }

            var skipped = buffer.Slice(0, position.Value).Length;
            GarbageBytes += skipped;
            buffer = buffer.Slice(position.Value);

            var reader = new SequenceReader<byte>(buffer);
            reader.Advance(1);
            var step = Parse(ref reader, out length);
            switch (step)
            {
                case Step.Frame:
                    buffer = buffer.Slice(reader.Position);
                    return true;
                case Step.NeedMore:
                    return false;
                case Step.BadLength:
                    LengthErrors++;
                    buffer = buffer.Slice(1);
                    break;
                case Step.BadChecksum:
                    ChecksumErrors++;
                    // Mode 1 data may hold 0x7E, so look again just after this delimiter; mode 2 data cannot.
                    buffer = buffer.Slice(_mode == XBeeApiMode.ApiEscaped ? reader.Position : buffer.GetPosition(1));
                    break;
                default:
                    InterruptedFrames++;
                    buffer = buffer.Slice(reader.Position);
                    break;
            }
        }
    }

    private Step Parse(ref SequenceReader<byte> reader, out int length)
    {
        length = 0;
        var step = Next(ref reader, out var high);
        if (step != Step.Frame)
        {
            return step;
        }

        step = Next(ref reader, out var low);
        if (step != Step.Frame)
        {
            return step;
        }

        length = (high << 8) | low;
        if (length == 0 || length > MaxFrameDataLength)
        {
            return Step.BadLength;
        }

        for (var i = 0; i <= length; i++)
        {
            step = Next(ref reader, out _scratch[i]);
            if (step != Step.Frame)
            {
                return step;
            }
        }

        return XBeeChecksum.Verify(_scratch.AsSpan(0, length), _scratch[length]) ? Step.Frame : Step.BadChecksum;
    }

    /// <summary>One unescaped byte; on <see cref="Step.Interrupted"/> the reader stands on the new delimiter.</summary>
    private Step Next(ref SequenceReader<byte> reader, out byte value)
    {
        if (!reader.TryRead(out value))
        {
            return Step.NeedMore;
        }

        if (_mode != XBeeApiMode.ApiEscaped)
        {
            return Step.Frame;
        }

        if (value == XBeeFrameCodec.StartDelimiter)
        {
            reader.Rewind(1);
            return Step.Interrupted;
        }

        if (value != XBeeFrameCodec.Escape)
        {
            return Step.Frame;
        }

        if (!reader.TryRead(out value))
        {
            return Step.NeedMore;
        }

        if (value == XBeeFrameCodec.StartDelimiter)
        {
            reader.Rewind(1);
            return Step.Interrupted;
        }

        value ^= XBeeFrameCodec.EscapeXor;
        return Step.Frame;
    }
}
