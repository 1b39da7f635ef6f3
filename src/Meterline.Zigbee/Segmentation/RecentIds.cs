namespace Meterline.Zigbee.Segmentation;

/// <summary>The last few message ids completed from one source, in a small ring.</summary>
internal sealed class RecentIds(int capacity)
{
    private readonly byte[] _ids = new byte[capacity];
    private int _count;
    private int _next;

    public long LastUsed { get; private set; }

    public bool Contains(byte id) => _ids.AsSpan(0, _count).Contains(id);

    public void Add(byte id, long now)
    {
        _ids[_next] = id;
        _next = (_next + 1) % _ids.Length;
        _count = Math.Min(_count + 1, _ids.Length);
        LastUsed = now;
    }
}
