using System.Threading.Channels;
using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.Ingest;

/// <summary>
/// A subscriber's bounded feed of committed records. A subscriber that falls behind loses its oldest records
/// (counted in <see cref="Dropped"/>) rather than slowing ingest, but not all trace of them: the feed remembers which
/// meters the lost records touched (at most <c>lostMeterCapacity</c> meters, each with the span of its lost records'
/// times), so that the subscriber can act on exactly those meters from the store (<see cref="TakeLost"/>). Only when
/// more meters than that were touched is the memory given up and the subscriber told to act on everything.
/// Memory stays bounded by <c>capacity</c> records plus <c>lostMeterCapacity</c> meters, whatever the burst. A lost
/// record is noted before the record that displaced it is readable, so a reader that read a record and then takes the
/// lost meters sees every loss that happened before it. Dispose to unsubscribe.
/// </summary>
public sealed class IngestSubscription : IDisposable
{
    private readonly Channel<IngestedRecord> _channel;
    private readonly Action<IngestSubscription> _unsubscribe;
    private readonly IngestMetrics _metrics;
    private readonly int _lostMeterCapacity;
    private readonly Lock _lostLock = new();
    private Dictionary<MeterId, LostMeter> _lost = [];
    private bool _lostOverflowed;
    private long _dropped;
    private volatile bool _completed;

    internal IngestSubscription(int capacity, int lostMeterCapacity, IngestMetrics metrics, Action<IngestSubscription> unsubscribe)
    {
        _unsubscribe = unsubscribe;
        _metrics = metrics;
        _lostMeterCapacity = lostMeterCapacity;

        // Full mode Wait makes TryWrite refuse when full; Publish then drops the oldest itself, noting it first.
        _channel = Channel.CreateBounded<IngestedRecord>(new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.Wait, SingleWriter = true });
    }

    public ChannelReader<IngestedRecord> Reader => _channel.Reader;

    /// <summary>Records this subscriber lost because it was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>The meters the records lost since the last call touched (or that there were too many), and forgets them.</summary>
    public LostRecords TakeLost()
    {
        lock (_lostLock)
        {
            if (_lost.Count == 0 && !_lostOverflowed)
            {
                return LostRecords.None;
            }

            var taken = new LostRecords(_lostOverflowed ? [] : [.. _lost.Values], _lostOverflowed);
            _lost = [];
            _lostOverflowed = false;
            return taken;
        }
    }

    public void Dispose()
    {
        _unsubscribe(this);
        Complete();
    }

    internal void Publish(IngestedRecord record)
    {
        while (!_completed && !_channel.Writer.TryWrite(record))
        {
            if (_channel.Reader.TryRead(out var oldest))
            {
                OnLost(oldest);
            }
        }
    }

    internal void Complete()
    {
        _completed = true;
        _channel.Writer.TryComplete();
    }

    private void OnLost(IngestedRecord record)
    {
        Interlocked.Increment(ref _dropped);
        _metrics.OnSubscriberDrop();
        lock (_lostLock)
        {
            if (_lostOverflowed)
            {
                return;
            }

            if (_lost.TryGetValue(record.Meter, out var known))
            {
                _lost[record.Meter] = known.Including(record.At);
            }
            else if (_lost.Count < _lostMeterCapacity)
            {
                _lost[record.Meter] = new LostMeter(record.Meter, record.At, record.At);
            }
            else
            {
                // Too many meters to remember: the subscriber acts on everything, so the names are no use any more.
                _lostOverflowed = true;
                _lost.Clear();
            }
        }
    }
}
