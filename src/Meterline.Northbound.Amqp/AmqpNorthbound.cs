using Meterline.HeadEnd.Audit;
using Meterline.HeadEnd.Commands;
using Meterline.HeadEnd.Ingest;
using Meterline.HeadEnd.Northbound;
using Meterline.HeadEnd.Readings;
using Microsoft.Extensions.Logging;
using IMeterFactory = System.Diagnostics.Metrics.IMeterFactory;

namespace Meterline.Northbound.Amqp;

/// <summary>
/// Northbound publishing of one node, put together: the reading and command stores that write their messages into
/// the outbox in their own transactions (use them instead of the plain ones), and the relay (<see cref="RunAsync"/>,
/// a node loop) that publishes the outbox to the broker.
/// </summary>
public sealed class AmqpNorthbound : IAsyncDisposable
{
    public AmqpNorthbound(AmqpNorthboundOptions options, IReadingStore readings, ICommandStore commands, IOutboxStore outbox, MeterDirectory directory, IAuditLog audit,
        TimeProvider? time = null, IMeterFactory? meterFactory = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(readings);
        ArgumentNullException.ThrowIfNull(commands);
        ArgumentNullException.ThrowIfNull(outbox);
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(audit);
        options.Outbox.Validate();
        time ??= TimeProvider.System;
        Outbox = outbox;
        Messages = new NorthboundMessages(directory);
        Gauge = new OutboxGauge(options.Outbox.MaxMessages);
        Metrics = new NorthboundMetrics(Gauge, meterFactory);
        Publisher = new AmqpOutboxPublisher(options.Publisher);
        Readings = new OutboxReadingStore(readings, Messages, Gauge, Metrics, time);
        Commands = new OutboxCommandStore(commands, Messages, Gauge, Metrics);
        Relay = new OutboxRelay(outbox, Publisher, Gauge, Metrics, audit, options.Outbox, time, loggerFactory?.CreateLogger<OutboxRelay>());
    }

    public IOutboxStore Outbox { get; }

    public NorthboundMessages Messages { get; }

    public OutboxGauge Gauge { get; }

    public NorthboundMetrics Metrics { get; }

    public AmqpOutboxPublisher Publisher { get; }

    /// <summary>The reading store whose batches carry their northbound messages.</summary>
    public IReadingStore Readings { get; }

    /// <summary>The command store whose final transitions carry their command-result messages.</summary>
    public ICommandStore Commands { get; }

    public OutboxRelay Relay { get; }

    public Task RunAsync(CancellationToken cancellationToken) => Relay.RunAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await Publisher.DisposeAsync().ConfigureAwait(false);
        Metrics.Dispose();
    }
}
