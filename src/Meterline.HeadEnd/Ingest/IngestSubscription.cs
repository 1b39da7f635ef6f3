using System.Threading.Channels;

namespace Meterline.HeadEnd.Ingest;

/// <summary>
/// A subscriber's bounded feed of committed records. A subscriber that falls behind loses its oldest records
/// (counted in <see cref="Dropped"/>) rather than slowing ingest. Dispose to unsubscribe.
/// </summary>
public sealed class IngestSubscription : IDisposable
{
    private readonly Channel<IngestedRecord> _channel;
    private readonly Action<IngestSubscription> _unsubscribe;
    private long _dropped;

    internal IngestSubscription(int capacity, IngestMetrics metrics, Action<IngestSubscription> unsubscribe)
    {
        _unsubscribe = unsubscribe;
        _channel = Channel.CreateBounded<IngestedRecord>(
            new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleWriter = true },
            _ =>
            {
                Interlocked.Increment(ref _dropped);
                metrics.OnSubscriberDrop();
            });
    }

    public ChannelReader<IngestedRecord> Reader => _channel.Reader;

    /// <summary>Records this subscriber lost because it was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    public void Dispose()
    {
        _unsubscribe(this);
        _channel.Writer.TryComplete();
    }

    internal void Publish(IngestedRecord record) => _channel.Writer.TryWrite(record);

    internal void Complete() => _channel.Writer.TryComplete();
}
