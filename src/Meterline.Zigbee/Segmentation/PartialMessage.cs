namespace Meterline.Zigbee.Segmentation;

/// <summary>The segments of one message so far. Holds only bytes that arrived; at most 256 segments.</summary>
internal sealed class PartialMessage(long started)
{
    private readonly Dictionary<byte, byte[]> _segments = [];
    private int _lastIndex = -1;
    private int _highestIndex = -1;

    public long Started { get; } = started;

    public int Bytes { get; private set; }

    public bool IsComplete => _lastIndex >= 0 && _segments.Count == _lastIndex + 1;

    public bool Has(byte index) => _segments.ContainsKey(index);

    /// <summary>An index past the known last one, or a second "last" that disagrees, or a "last" below one seen.</summary>
    public bool IsOutOfRange(SegmentHeader header) =>
        (_lastIndex >= 0 && header.Index > _lastIndex)
        || (header.IsLast && _lastIndex >= 0 && header.Index != _lastIndex)
        || (header.IsLast && header.Index < _highestIndex);

    public void Add(SegmentHeader header, ReadOnlySpan<byte> data)
    {
        _segments.Add(header.Index, data.ToArray());
        Bytes += data.Length;
        _highestIndex = Math.Max(_highestIndex, header.Index);
        if (header.IsLast)
        {
            _lastIndex = header.Index;
        }
    }

    public byte[] Join()
    {
        var whole = new byte[Bytes];
        var at = 0;
        for (var i = 0; i <= _lastIndex; i++)
        {
            var segment = _segments[(byte)i];
            segment.CopyTo(whole, at);
            at += segment.Length;
        }

        return whole;
    }
}
