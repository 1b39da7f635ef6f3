namespace Meterline.Dlms.Hdlc;

/// <summary>
/// The sending and receiving halves of HDLC segmentation with modulo-8 sequence numbers (IEC 62056-46 §6.4.4.4):
/// an outgoing APDU is split into information fields of at most the peer's receive length and sent one frame per
/// poll; incoming segments are appended in sequence up to a fixed limit.
/// </summary>
internal sealed class HdlcSegmentation
{
    private readonly Queue<ReadOnlyMemory<byte>> _pending = new();
    private readonly MemoryStreamLimit _reassembly;
    private HdlcFrame? _unacknowledged;

    public HdlcSegmentation(int maxApduLength)
    {
        _reassembly = new MemoryStreamLimit(maxApduLength);
    }

    /// <summary>V(S): the send sequence number of the next new I frame.</summary>
    public int SendSequence { get; private set; }

    /// <summary>V(R): the sequence number expected in the next I frame received.</summary>
    public int ReceiveSequence { get; private set; }

    public bool HasPending => _pending.Count > 0;

    public bool IsReassembling => _reassembly.Length > 0;

    public void Reset()
    {
        _pending.Clear();
        _reassembly.Clear();
        _unacknowledged = null;
        SendSequence = 0;
        ReceiveSequence = 0;
    }

    /// <summary>Queues the information bytes (LLC header included) in segments of at most <paramref name="maxInformationLength"/>.</summary>
    public void Queue(ReadOnlyMemory<byte> information, int maxInformationLength)
    {
        if (HasPending)
        {
            throw new InvalidOperationException("An APDU is still being sent on this link");
        }

        for (var at = 0; at < information.Length; at += maxInformationLength)
        {
            _pending.Enqueue(information.Slice(at, Math.Min(maxInformationLength, information.Length - at)));
        }
    }

    /// <summary>The next I frame to send, numbered, with the poll/final bit set (one frame per poll).</summary>
    public HdlcFrame NextFrame(HdlcAddress destination, HdlcAddress source)
    {
        var segment = _pending.Dequeue();
        var frame = new HdlcFrame(destination, source, HdlcControl.Information(SendSequence, ReceiveSequence, pollFinal: true), segment, Segmented: _pending.Count > 0);
        SendSequence = (SendSequence + 1) & 7;
        _unacknowledged = frame;
        return frame;
    }

    /// <summary>
    /// Handles N(R) from the peer. Returns the frame to send again when the peer asks for the unacknowledged frame
    /// (N(R) equal to its N(S)), null when N(R) acknowledges everything sent.
    /// </summary>
    public HdlcFrame? Acknowledge(int receiveSequence)
    {
        if (_unacknowledged is { } last && receiveSequence == last.Control.SendSequence)
        {
            // The peer still expects the last frame: it was lost. Send it again with the current N(R).
            var again = last with { Control = HdlcControl.Information(last.Control.SendSequence, ReceiveSequence, pollFinal: true) };
            _unacknowledged = again;
            return again;
        }

        if (receiveSequence == SendSequence)
        {
            _unacknowledged = null;
        }

        return null;
    }

    /// <summary>
    /// Accepts an I frame's segment if it is the next in sequence. Returns false for an out-of-sequence frame (which
    /// is dropped), and throws <see cref="InvalidOperationException"/> when the reassembled APDU would exceed the limit.
    /// </summary>
    public bool TryAppend(HdlcFrame frame)
    {
        if (frame.Control.SendSequence != ReceiveSequence)
        {
            return false;
        }

        ReceiveSequence = (ReceiveSequence + 1) & 7;
        _reassembly.Append(frame.Information.Span);
        return true;
    }

    /// <summary>Takes the reassembled information bytes and starts a new APDU.</summary>
    public byte[] TakeReassembled()
    {
        var bytes = _reassembly.ToArray();
        _reassembly.Clear();
        return bytes;
    }

    /// <summary>A growable buffer that refuses to grow past its limit.</summary>
    private sealed class MemoryStreamLimit(int limit)
    {
        private byte[] _buffer = new byte[Math.Min(limit, 256)];

        public int Length { get; private set; }

        public void Append(ReadOnlySpan<byte> bytes)
        {
            if (Length + bytes.Length > limit)
            {
                Clear();
                throw new InvalidOperationException($"Reassembled APDU exceeds {limit} bytes");
            }

            if (Length + bytes.Length > _buffer.Length)
            {
                System.Array.Resize(ref _buffer, Math.Min(limit, Math.Max(_buffer.Length * 2, Length + bytes.Length)));
            }

            bytes.CopyTo(_buffer.AsSpan(Length));
            Length += bytes.Length;
        }

        public byte[] ToArray() => _buffer.AsSpan(0, Length).ToArray();

        public void Clear() => Length = 0;
    }
}
