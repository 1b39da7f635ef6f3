using System.Threading.Channels;

namespace Meterline.Web.Live;

/// <summary>A subscriber's bounded feed from a <see cref="LiveBroadcast{T}"/>; dispose to unsubscribe.</summary>
public sealed class LiveSubscription<T> : IDisposable
{
    private readonly Channel<T> _channel;
    private readonly Action<LiveSubscription<T>> _unsubscribe;
    private long _dropped;

    internal LiveSubscription(int capacity, Action<LiveSubscription<T>> unsubscribe)
    {
        _unsubscribe = unsubscribe;
        _channel = Channel.CreateBounded<T>(
            new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true, SingleWriter = true },
            _ => Interlocked.Increment(ref _dropped));
    }

    public ChannelReader<T> Reader => _channel.Reader;

    /// <summary>Items this subscriber lost because it was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    public void Dispose()
    {
        _unsubscribe(this);
        _channel.Writer.TryComplete();
    }

    internal void Write(T item) => _channel.Writer.TryWrite(item);
}
