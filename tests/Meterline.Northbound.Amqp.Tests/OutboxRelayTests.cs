using System.Net;
using System.Net.Sockets;
using Meterline.HeadEnd.Audit;
using Meterline.HeadEnd.Ingest;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Northbound;
using Meterline.HeadEnd.Readings;
using Meterline.Northbound.Amqp.Tests.Support;
using Meterline.Storage;
using Microsoft.Extensions.Logging;

namespace Meterline.Northbound.Amqp.Tests;

/// <summary>
/// The relay and the AMQP publisher against the private RabbitMQ node, over a real SQLite outbox: a relay stopped while
/// its messages wait for the broker's confirms leaves them in the outbox and the next relay delivers them; the outbox's
/// high-water alarm is audited once, a write past the limit is refused whole, and the alarm clears once the broker
/// takes the backlog; unroutable messages are kept and delivered once a queue is bound; a blocked broker is logged,
/// counted and audited once when it goes down and once when it comes back; a fault that is neither the broker's nor
/// the store's ends the loop; amqps with a private CA and a client certificate (mutual TLS).
/// </summary>
[Collection(BrokerCollection.Name)]
public sealed class OutboxRelayTests(RabbitMqNode broker) : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(120);
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly string _directory = Directory.CreateTempSubdirectory("meterline-relay-").FullName;
    private readonly string _exchange = "meterline.test." + Guid.NewGuid().ToString("N");
    private IHeadEndStorage? _storage;

    private IHeadEndStorage Storage => _storage!;

    public async Task InitializeAsync() => _storage = await HeadEndStorage.OpenAsync(Path.Combine(_directory, "relay.db"));

    public async Task DisposeAsync()
    {
        if (_storage is not null)
        {
            await _storage.DisposeAsync();
        }

        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task RunAsync_StoppedWhileWaitingForConfirms_RowsStayAndTheNextRelayDeliversEveryOne()
    {
        using var timeout = new CancellationTokenSource(Bound);
        var ct = timeout.Token;
        await using var queue = await NorthboundQueue.DeclareAsync(broker, _exchange, ct);
        var entries = Enumerable.Range(0, 300).Select(Entry).ToList();
        await Storage.Outbox.AppendAsync(entries, ct);
        var audit = await AuditLog.OpenAsync(Storage.Audit, TimeProvider.System, ct);
        var gauge = new OutboxGauge(10_000);
        using var metrics = new NorthboundMetrics(gauge);

        await broker.SetMemoryHighWatermarkAsync(0);
        try
        {
            await using (var blocked = new AmqpOutboxPublisher(Publisher() with { ConfirmTimeout = TimeSpan.FromSeconds(60) }))
            {
                using var kill = CancellationTokenSource.CreateLinkedTokenSource(ct);
                var relay = new OutboxRelay(Storage.Outbox, blocked, gauge, metrics, audit, Options(), TimeProvider.System).RunAsync(kill.Token);
                Assert.True(await Until.TrueAsync(() => blocked.Connects >= 1, Bound / 4, ct), "The relay never connected.");
                await Task.Delay(TimeSpan.FromSeconds(1), ct);

                await kill.CancelAsync();
                await relay.WaitAsync(TimeSpan.FromSeconds(30), ct);
            }

            Assert.Equal(0, metrics.Published);
            Assert.Equal(300, await Storage.Outbox.CountAsync(ct));
        }
        finally
        {
            await broker.SetMemoryHighWatermarkAsync(0.4);
        }

        await using (var publisher = new AmqpOutboxPublisher(Publisher()))
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var relay = new OutboxRelay(Storage.Outbox, publisher, gauge, metrics, audit, Options(), TimeProvider.System).RunAsync(stop.Token);
            Assert.True(await Until.TrueAsync(async () => await Storage.Outbox.CountAsync(ct) == 0, Bound / 2, ct), "The outbox was not emptied.");
            await stop.CancelAsync();
            await relay.WaitAsync(TimeSpan.FromSeconds(30), ct);
        }

        var received = await NorthboundQueue.DrainAsync(broker, queue.Name, ct);
        Assert.Equal(entries.Select(e => e.MessageId).Order(), received.Select(m => m.MessageId!).Distinct().Order());
        foreach (var copies in received.GroupBy(m => m.MessageId))
        {
            Assert.Single(copies.Select(m => m.Body).Distinct());
        }
    }

    [Fact]
    public async Task RunAsync_OutboxPastHighWaterMark_AlarmAuditedOnceFullOutboxRefusesWritesAndDrainingClearsIt()
    {
        using var timeout = new CancellationTokenSource(Bound);
        var ct = timeout.Token;
        await using var queue = await NorthboundQueue.DeclareAsync(broker, _exchange, ct);
        var audit = await AuditLog.OpenAsync(Storage.Audit, TimeProvider.System, ct);
        var meter = await Storage.Meters.AddAsync(new MeterRegistration("MTL-HW-1", new MeterSystemTitle(0x4D544C0000000F01), "is15959-single-phase"), ct);
        var directory = new MeterDirectory();
        directory.Set(meter);
        var options = Options() with { MaxMessages = 40, HighWaterMark = 20, LowWaterMark = 10 };
        var gauge = new OutboxGauge(options.MaxMessages);
        using var metrics = new NorthboundMetrics(gauge);
        var readings = new OutboxReadingStore(Storage.Readings, new NorthboundMessages(directory), gauge, metrics);

        // No broker at this address: every round fails while the outbox fills.
        await using (var nowhere = new AmqpOutboxPublisher(Publisher() with { Uri = new Uri($"amqp://{RabbitMqNode.User}@127.0.0.1:{ClosedPort()}/") }))
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var relay = new OutboxRelay(Storage.Outbox, nowhere, gauge, metrics, audit, options, TimeProvider.System).RunAsync(stop.Token);
            for (var i = 0; i < 40; i++)
            {
                await readings.WriteAsync(Batch(meter.Id, i), ct);
            }

            var refused = await Assert.ThrowsAsync<OutboxFullException>(() => readings.WriteAsync(Batch(meter.Id, 40), ct));
            Assert.True(await Until.TrueAsync(() => metrics.Alarm && metrics.PublishFailures >= 4, Bound / 4, ct), "The alarm was not raised.");
            await stop.CancelAsync();
            await relay.WaitAsync(TimeSpan.FromSeconds(30), ct);
            Assert.Contains("40", refused.Message, StringComparison.Ordinal);
        }

        Assert.Equal(40, await Storage.Readings.CountReadingsAsync(meter.Id, ct));
        Assert.Equal(40, await Storage.Outbox.CountAsync(ct));
        Assert.Equal(1, metrics.OutboxFull);
        var raised = Assert.Single(await AuditAsync(OutboxRelay.HighWaterAction, ct));
        Assert.Contains("\"highWaterMark\":20", raised.Detail, StringComparison.Ordinal);

        await using (var publisher = new AmqpOutboxPublisher(Publisher()))
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var relay = new OutboxRelay(Storage.Outbox, publisher, gauge, metrics, audit, options, TimeProvider.System).RunAsync(stop.Token);
            Assert.True(await Until.TrueAsync(() => !metrics.Alarm && gauge.Count == 0, Bound / 4, ct), "The alarm was not cleared.");
            await stop.CancelAsync();
            await relay.WaitAsync(TimeSpan.FromSeconds(30), ct);
        }

        Assert.Single(await AuditAsync(OutboxRelay.RecoveredAction, ct));
        Assert.Single(await AuditAsync(OutboxRelay.HighWaterAction, ct));
        Assert.Equal(40, (await NorthboundQueue.DrainAsync(broker, queue.Name, ct)).Select(m => m.MessageId).Distinct().Count());
        await readings.WriteAsync(Batch(meter.Id, 40), ct);
        Assert.Equal(41, await Storage.Readings.CountReadingsAsync(meter.Id, ct));
    }

    [Fact]
    public async Task RunAsync_NoQueueBound_UnroutableKeptCountedAuditedOnceAndDeliveredOnceAQueueIsBound()
    {
        using var timeout = new CancellationTokenSource(Bound);
        var ct = timeout.Token;
        var audit = await AuditLog.OpenAsync(Storage.Audit, TimeProvider.System, ct);
        var entries = Enumerable.Range(0, 5).Select(Entry).ToList();
        await Storage.Outbox.AppendAsync(entries, ct);
        var gauge = new OutboxGauge(100);
        using var metrics = new NorthboundMetrics(gauge);
        var options = Options() with { MinUnroutableDelay = TimeSpan.FromMilliseconds(200), MaxUnroutableDelay = TimeSpan.FromMilliseconds(400) };

        await using (var publisher = new AmqpOutboxPublisher(Publisher()))
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var relay = new OutboxRelay(Storage.Outbox, publisher, gauge, metrics, audit, options, TimeProvider.System).RunAsync(stop.Token);
            Assert.True(await Until.TrueAsync(() => metrics.Unroutable >= 15, Bound / 4, ct), "The unroutable messages were not published again.");
            Assert.Equal(5, await Storage.Outbox.CountAsync(ct));
            Assert.All(await Storage.Outbox.ReadAsync(10, ct), m => Assert.True(m.Attempts >= 2, "An unroutable message's attempts were not counted."));

            // A consumer binds its queue: the kept messages arrive at their next attempt.
            await using var queue = await NorthboundQueue.DeclareAsync(broker, _exchange, ct);
            Assert.True(await Until.TrueAsync(async () => await Storage.Outbox.CountAsync(ct) == 0, Bound / 4, ct), "The kept messages were not delivered.");
            await stop.CancelAsync();
            await relay.WaitAsync(TimeSpan.FromSeconds(30), ct);
            var received = await NorthboundQueue.DrainAsync(broker, queue.Name, ct);
            Assert.Equal(entries.Select(e => e.MessageId).Order(), received.Select(m => m.MessageId!).Order());
        }

        Assert.Equal(5, metrics.Published);
        Assert.Equal(0, metrics.PublishFailures);
        var record = Assert.Single(await AuditAsync(OutboxRelay.UnroutableAction, ct));
        Assert.Equal(NorthboundMessageType.Reading, record.Subject);
        Assert.Contains("\"messages\":5", record.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_BrokerBlockedThenFreed_DownAndUpLoggedCountedAndAuditedOncePerTransition()
    {
        using var timeout = new CancellationTokenSource(Bound);
        var ct = timeout.Token;
        await using var queue = await NorthboundQueue.DeclareAsync(broker, _exchange, ct);
        var audit = await AuditLog.OpenAsync(Storage.Audit, TimeProvider.System, ct);
        var entries = Enumerable.Range(0, 50).Select(Entry).ToList();
        await Storage.Outbox.AppendAsync(entries, ct);
        var gauge = new OutboxGauge(10_000);
        using var metrics = new NorthboundMetrics(gauge);
        var logger = new RecordingLogger();
        await using var publisher = new AmqpOutboxPublisher(Publisher() with { ConfirmTimeout = TimeSpan.FromSeconds(1) });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        Task relay;

        await broker.SetMemoryHighWatermarkAsync(0);
        try
        {
            relay = new OutboxRelay(Storage.Outbox, publisher, gauge, metrics, audit, Options(), TimeProvider.System, logger).RunAsync(stop.Token);
            Assert.True(await Until.TrueAsync(() => metrics.PublishFailures >= 3, Bound / 3, ct), $"The blocked broker did not fail three rounds ({metrics.PublishFailures} failed, {publisher.Connects} connects; {string.Join(" | ", logger.Entries.Select(e => e.Message))}).");
        }
        finally
        {
            await broker.SetMemoryHighWatermarkAsync(0.4);
        }

        Assert.True(await Until.TrueAsync(async () => await Storage.Outbox.CountAsync(ct) == 0, Bound / 3, ct), "The outbox was not emptied once the broker was freed.");
        await stop.CancelAsync();
        await relay.WaitAsync(TimeSpan.FromSeconds(30), ct);

        Assert.Equal(1, metrics.BrokerDown);
        Assert.Single(await AuditAsync(OutboxRelay.BrokerDownAction, ct));
        Assert.Single(await AuditAsync(OutboxRelay.BrokerUpAction, ct));
        Assert.Single(logger.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("unreachable", StringComparison.Ordinal));
        Assert.Single(logger.Entries, e => e.Message.Contains("reachable again", StringComparison.Ordinal));
        Assert.All(logger.Entries, e => Assert.DoesNotContain(broker.Password, e.Message, StringComparison.Ordinal));
        Assert.Equal(entries.Select(e => e.MessageId).Order(), (await NorthboundQueue.DrainAsync(broker, queue.Name, ct)).Select(m => m.MessageId!).Distinct().Order());
    }

    [Fact]
    public async Task RunAsync_FaultThatIsNeitherBrokerNorStore_EndsTheLoop()
    {
        using var timeout = new CancellationTokenSource(Bound);
        var ct = timeout.Token;
        var audit = await AuditLog.OpenAsync(Storage.Audit, TimeProvider.System, ct);
        var gauge = new OutboxGauge(100);
        using var metrics = new NorthboundMetrics(gauge);
        var closed = await HeadEndStorage.OpenAsync(Path.Combine(_directory, "closed.db"), cancellationToken: ct);
        await closed.DisposeAsync();

        await using var publisher = new AmqpOutboxPublisher(Publisher());
        var relay = new OutboxRelay(closed.Outbox, publisher, gauge, metrics, audit, Options(), TimeProvider.System).RunAsync(ct);

        await Assert.ThrowsAsync<ObjectDisposedException>(() => relay.WaitAsync(TimeSpan.FromSeconds(30), ct));
    }

    [Fact]
    public async Task PublishAsync_AmqpsMutualTls_CaFileAndClientCertificateDeliverWithoutEitherRefused()
    {
        using var timeout = new CancellationTokenSource(Bound);
        var ct = timeout.Token;
        await using var queue = await NorthboundQueue.DeclareAsync(broker, _exchange, ct);
        var message = new OutboxMessage(1, Entry(1));
        var certificates = broker.Certificates;
        var tls = Publisher() with
        {
            Uri = new Uri($"amqps://{RabbitMqNode.User}@localhost:{broker.TlsPort}/"),
            ClientCertificatePath = certificates.ClientCertificateFile,
            ClientKeyPath = certificates.ClientKeyFile,
        };

        // The system's trust store does not know the broker's CA.
        await using (var untrusted = new AmqpOutboxPublisher(tls))
        {
            await Assert.ThrowsAsync<AmqpPublishException>(() => untrusted.PublishAsync([message], ct));
        }

        // The broker requires a client certificate.
        await using (var anonymous = new AmqpOutboxPublisher(tls with { CaCertificatePath = certificates.CaFile, ClientCertificatePath = null, ClientKeyPath = null }))
        {
            await Assert.ThrowsAsync<AmqpPublishException>(() => anonymous.PublishAsync([message], ct));
        }

        await using (var mutual = new AmqpOutboxPublisher(tls with { CaCertificatePath = certificates.CaFile }))
        {
            Assert.Equal([PublishOutcome.Confirmed], await mutual.PublishAsync([message], ct));
        }

        var received = Assert.Single(await NorthboundQueue.DrainAsync(broker, queue.Name, ct));
        Assert.Equal(message.Entry.MessageId, received.MessageId);
    }

    private AmqpPublisherOptions Publisher() => new() { Uri = broker.Uri, Password = broker.Password, Exchange = _exchange, ConnectTimeout = TimeSpan.FromSeconds(5) };

    private static NorthboundOptions Options() => new() { MinRetryDelay = TimeSpan.FromMilliseconds(50), MaxRetryDelay = TimeSpan.FromMilliseconds(500), PollInterval = TimeSpan.FromMilliseconds(100), BatchSize = 100 };

    private static OutboxEntry Entry(int n) =>
        new($"reading:MTL{n:D8}:{n:x32}", NorthboundMessageType.Reading, $"reading.MTL{n:D8}", T0.AddMinutes(n), $$"""{"schema":1,"n":{{n}}}""");

    private static IngestBatch Batch(MeterId meter, int n) =>
        new([new IntervalReading(meter, T0.AddMinutes(15 * n), Quantity.BlockImportEnergy, n, ReadingQuality.Authenticated)], [], [], new Dictionary<MeterId, uint>());

    private async Task<List<AuditRecord>> AuditAsync(string action, CancellationToken cancellationToken)
    {
        var records = new List<AuditRecord>();
        await foreach (var record in Storage.Audit.ReadAsync(1, cancellationToken))
        {
            if (record.Action == action)
            {
                records.Add(record);
            }
        }

        return records;
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
