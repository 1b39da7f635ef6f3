using Meterline.HeadEnd.Audit;
using Meterline.HeadEnd.Northbound;
using Meterline.Storage;

namespace Meterline.Northbound.Amqp.Tests.Support;

/// <summary>One node's relay running over its storage handle with its own publisher (and, unless given, gauge, metrics and audit log).</summary>
internal sealed class RelayRun : IAsyncDisposable
{
    private static readonly TimeSpan StopBound = TimeSpan.FromSeconds(30);

    private readonly CancellationTokenSource _stop;
    private readonly AmqpOutboxPublisher _publisher;
    private readonly NorthboundMetrics? _ownedMetrics;
    private readonly Task _running;

    private RelayRun(CancellationTokenSource stop, AmqpOutboxPublisher publisher, NorthboundMetrics metrics, bool ownsMetrics, Task running)
    {
        _stop = stop;
        _publisher = publisher;
        Metrics = metrics;
        _ownedMetrics = ownsMetrics ? metrics : null;
        _running = running;
    }

    public NorthboundMetrics Metrics { get; }

    public static async Task<RelayRun> StartAsync(IHeadEndStorage storage, AmqpPublisherOptions publisherOptions, NorthboundOptions options, CancellationToken cancellationToken,
        OutboxGauge? gauge = null, NorthboundMetrics? metrics = null, IAuditLog? audit = null)
    {
        gauge ??= new OutboxGauge(options.MaxMessages);
        var ownsMetrics = metrics is null;
        metrics ??= new NorthboundMetrics(gauge);
        audit ??= await AuditLog.OpenAsync(storage.Audit, TimeProvider.System, cancellationToken);
        var publisher = new AmqpOutboxPublisher(publisherOptions);
        var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var relay = new OutboxRelay(storage.Outbox, publisher, gauge, metrics, audit, options, TimeProvider.System);
        return new RelayRun(stop, publisher, metrics, ownsMetrics, Task.Run(() => relay.RunAsync(stop.Token)));
    }

    /// <summary>Stops the relay and rethrows what ended it, if it ended on its own.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await _running.WaitAsync(StopBound);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        finally
        {
            await _publisher.DisposeAsync();
            _ownedMetrics?.Dispose();
            _stop.Dispose();
        }
    }
}
