using System.Security.Cryptography;

namespace Meterline.Zigbee.Segmentation;

/// <summary>
/// Splits messages into RF payloads of at most <see cref="MaxPayload"/> bytes (the module's <c>NP</c>), each a
/// <see cref="SegmentHeader"/> and a slice of the message. One instance per sender: it cycles the message id, starting
/// from a random one so that a restarted sender is unlikely to repeat the id its peer saw last. Thread-safe.
/// </summary>
public sealed class Segmenter
{
    /// <summary>A message has at most 256 segments: the index is one byte.</summary>
    public const int MaxSegments = 256;

    private int _nextMessageId;

    public Segmenter(int maxPayload, int maxMessageSize = ReassemblerOptions.DefaultMaxMessageSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPayload, SegmentHeader.Length + 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessageSize, 0);
        MaxPayload = maxPayload;
        MaxMessageSize = Math.Min(maxMessageSize, MaxSegments * (maxPayload - SegmentHeader.Length));
        _nextMessageId = RandomNumberGenerator.GetInt32(256);
    }

    /// <summary>The largest RF payload produced, header included.</summary>
    public int MaxPayload { get; }

    /// <summary>The largest message accepted: the configured bound, or 256 full segments if smaller.</summary>
    public int MaxMessageSize { get; }

    /// <summary>Message bytes per segment.</summary>
    public int SegmentDataLength => MaxPayload - SegmentHeader.Length;

    /// <summary>How many payloads a message of <paramref name="messageLength"/> bytes takes.</summary>
    public int GetSegmentCount(int messageLength) => messageLength == 0 ? 1 : (messageLength + SegmentDataLength - 1) / SegmentDataLength;

    /// <summary>Splits <paramref name="message"/> under the next message id.</summary>
    public IReadOnlyList<byte[]> Split(ReadOnlySpan<byte> message)
    {
        var id = (byte)Interlocked.Increment(ref _nextMessageId);
        return Split(message, id);
    }

    /// <summary>Splits <paramref name="message"/> under <paramref name="messageId"/>.</summary>
    public IReadOnlyList<byte[]> Split(ReadOnlySpan<byte> message, byte messageId)
    {
        if (message.Length > MaxMessageSize)
        {
            throw new ArgumentException($"A message is at most {MaxMessageSize} bytes, not {message.Length}.", nameof(message));
        }

        var count = GetSegmentCount(message.Length);
        var segments = new byte[count][];
        for (var i = 0; i < count; i++)
        {
            var data = message.Slice(i * SegmentDataLength, Math.Min(SegmentDataLength, message.Length - (i * SegmentDataLength)));
            var payload = new byte[SegmentHeader.Length + data.Length];
            new SegmentHeader(i == count - 1, messageId, (byte)i).TryEncode(payload, out _);
            data.CopyTo(payload.AsSpan(SegmentHeader.Length));
            segments[i] = payload;
        }

        return segments;
    }
}
