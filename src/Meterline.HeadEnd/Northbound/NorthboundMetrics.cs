using System.Diagnostics.Metrics;

namespace Meterline.HeadEnd.Northbound;

/// <summary>
/// The northbound counters (meter <see cref="MeterName"/>) and their in-process totals: messages queued into the
/// outbox, published (confirmed), unroutable, refused by the broker, failed publish rounds, writes refused for a full
/// outbox, the broker becoming unreachable and outbox-store operations that failed, and the outbox depth and alarm as
/// gauges.
/// </summary>
public sealed class NorthboundMetrics : IDisposable
{
    public const string MeterName = "Meterline.HeadEnd.Northbound";

    private readonly System.Diagnostics.Metrics.Meter _meter;
    private readonly bool _ownsMeter;
    private readonly Counter<long> _queued;
    private readonly Counter<long> _published;
    private readonly Counter<long> _unroutable;
    private readonly Counter<long> _refused;
    private readonly Counter<long> _failures;
    private readonly Counter<long> _full;
    private readonly Counter<long> _brokerDown;
    private readonly Counter<long> _storeFailures;
    private long _brokerDownCount;
    private long _storeFailureCount;
    private long _queuedCount;
    private long _publishedCount;
    private long _unroutableCount;
    private long _refusedCount;
    private long _failureCount;
    private long _fullCount;
    private int _alarm;

    public NorthboundMetrics(OutboxGauge gauge, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(gauge);
        _ownsMeter = meterFactory is null;
        _meter = meterFactory?.Create(MeterName) ?? new System.Diagnostics.Metrics.Meter(MeterName);
        _queued = _meter.CreateCounter<long>("meterline.northbound.queued", "{message}", "Messages written into the outbox.");
        _published = _meter.CreateCounter<long>("meterline.northbound.published", "{message}", "Messages the broker confirmed.");
        _unroutable = _meter.CreateCounter<long>("meterline.northbound.unroutable", "{message}", "Messages returned as unroutable (no queue bound for the routing key).");
        _refused = _meter.CreateCounter<long>("meterline.northbound.refused", "{message}", "Messages the broker refused (nack); published again.");
        _failures = _meter.CreateCounter<long>("meterline.northbound.publish.failed", "{round}", "Publish rounds that failed (connection lost); published again.");
        _full = _meter.CreateCounter<long>("meterline.northbound.outbox.full", "{write}", "Writes refused because the outbox was full.");
        _brokerDown = _meter.CreateCounter<long>("meterline.northbound.broker.down", "{transition}", "Times the broker became unreachable (counted once per outage, not per retry).");
        _storeFailures = _meter.CreateCounter<long>("meterline.northbound.store.failed", "{operation}", "Outbox store operations of the relay that failed (claim, release, delete, count).");
        _meter.CreateObservableGauge("meterline.northbound.outbox.depth", () => gauge.Count, "{message}", "Messages waiting in the outbox.");
        _meter.CreateObservableGauge("meterline.northbound.outbox.alarm", () => Volatile.Read(ref _alarm), "{alarm}", "1 while the outbox is past its high-water mark.");
    }

    public long Queued => Interlocked.Read(ref _queuedCount);

    public long Published => Interlocked.Read(ref _publishedCount);

    public long Unroutable => Interlocked.Read(ref _unroutableCount);

    public long Refused => Interlocked.Read(ref _refusedCount);

    public long PublishFailures => Interlocked.Read(ref _failureCount);

    public long OutboxFull => Interlocked.Read(ref _fullCount);

    public long BrokerDown => Interlocked.Read(ref _brokerDownCount);

    public long StoreFailures => Interlocked.Read(ref _storeFailureCount);

    public bool Alarm => Volatile.Read(ref _alarm) != 0;

    public void OnQueued(int messages)
    {
        Interlocked.Add(ref _queuedCount, messages);
        _queued.Add(messages);
    }

    public void OnPublished(int messages)
    {
        Interlocked.Add(ref _publishedCount, messages);
        _published.Add(messages);
    }

    public void OnUnroutable(int messages)
    {
        Interlocked.Add(ref _unroutableCount, messages);
        _unroutable.Add(messages);
    }

    public void OnRefused(int messages)
    {
        Interlocked.Add(ref _refusedCount, messages);
        _refused.Add(messages);
    }

    public void OnPublishFailed()
    {
        Interlocked.Increment(ref _failureCount);
        _failures.Add(1);
    }

    public void OnOutboxFull()
    {
        Interlocked.Increment(ref _fullCount);
        _full.Add(1);
    }

    public void OnBrokerDown()
    {
        Interlocked.Increment(ref _brokerDownCount);
        _brokerDown.Add(1);
    }

    public void OnStoreFailed()
    {
        Interlocked.Increment(ref _storeFailureCount);
        _storeFailures.Add(1);
    }

    public void SetAlarm(bool raised) => Volatile.Write(ref _alarm, raised ? 1 : 0);

    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }
}
