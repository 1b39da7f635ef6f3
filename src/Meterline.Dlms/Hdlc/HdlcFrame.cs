using System.Buffers;

namespace Meterline.Dlms.Hdlc;

/// <summary>
/// One HDLC frame of format type 3 (IEC 62056-46 §6.4): opening flag, frame format (type 3, segmentation bit,
/// 11-bit length), destination and source addresses, control, HCS when an information field follows, the
/// information field, FCS, closing flag.
/// </summary>
public sealed record HdlcFrame(
    HdlcAddress Destination,
    HdlcAddress Source,
    HdlcControl Control,
    ReadOnlyMemory<byte> Information,
    bool Segmented = false)
{
    public const byte Flag = 0x7E;

    /// <summary>The largest frame length the 11-bit length field can express.</summary>
    public const int MaximumFrameLength = 0x7FF;

    /// <summary>Bytes between the flags: format, addresses, control, HCS (when there is information), information, FCS.</summary>
    public int FrameLength => 2 + Destination.Size + Source.Size + 1 + (Information.IsEmpty ? 0 : 2 + Information.Length) + 2;

    /// <summary>Header bytes the information field of a frame with these addresses adds to its length.</summary>
    public static int GetOverhead(HdlcAddress destination, HdlcAddress source) => 2 + destination.Size + source.Size + 1 + 2 + 2;

    /// <summary>Writes the frame, both flags included.</summary>
    public void Encode(IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var length = FrameLength;
        if (length > MaximumFrameLength)
        {
            throw new InvalidOperationException($"An HDLC frame is at most {MaximumFrameLength} bytes; this one would be {length}");
        }

        var span = output.GetSpan(length + 2)[..(length + 2)];
        span[0] = Flag;
        var frame = span.Slice(1, length);
        frame[0] = (byte)(0xA0 | (Segmented ? 0x08 : 0) | (length >> 8));
        frame[1] = (byte)length;
        var at = 2;
        Destination.TryEncode(frame[at..], out var written);
        at += written;
        Source.TryEncode(frame[at..], out written);
        at += written;
        frame[at++] = Control.Value;
        if (!Information.IsEmpty)
        {
            HdlcCrc.Write(frame[..at], frame[at..]);
            at += 2;
            Information.Span.CopyTo(frame[at..]);
            at += Information.Length;
        }

        HdlcCrc.Write(frame[..at], frame[at..]);
        span[^1] = Flag;
        output.Advance(length + 2);
    }

    /// <summary>Encodes the frame to a new array, both flags included.</summary>
    public byte[] ToArray()
    {
        var buffer = new ArrayBufferWriter<byte>(FrameLength + 2);
        Encode(buffer);
        return buffer.WrittenSpan.ToArray();
    }

    public bool Equals(HdlcFrame? other) =>
        other is not null && Destination == other.Destination && Source == other.Source && Control == other.Control
        && Segmented == other.Segmented && Information.Span.SequenceEqual(other.Information.Span);

    public override int GetHashCode() => HashCode.Combine(Destination, Source, Control, Segmented, Information.Length);

    public override string ToString() =>
        $"HDLC {Control} {Source}->{Destination}{(Segmented ? " segmented" : string.Empty)} info={Information.Length}";
}
