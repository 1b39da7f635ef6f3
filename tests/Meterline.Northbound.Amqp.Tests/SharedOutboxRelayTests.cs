using System.Net;
using System.Net.Sockets;
using Meterline.HeadEnd.Audit;
using Meterline.HeadEnd.Northbound;
using Meterline.Northbound.Amqp.Tests.Support;
using Meterline.Storage;
using Meterline.Storage.Tests.Postgres;

namespace Meterline.Northbound.Amqp.Tests;

/// <summary>
/// Several nodes on one PostgreSQL outbox (each its own storage handle, publisher and relay): a stream of messages is
/// delivered exactly once although two relays (three rounds in flight each) publish the same table at the same time; rows claimed by a relay that
/// died are taken over by another once the claim lapses, still exactly once; and a node whose outbox another node
/// filled raises the high-water alarm from its bounded count of the table and clears it once the backlog is gone.
/// </summary>
[Collection(BrokerCollection.Name)]
public sealed class SharedOutboxRelayTests(RabbitMqNode broker, PostgresCluster cluster) : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(180);
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly string _exchange = "meterline.test." + Guid.NewGuid().ToString("N");
    private string _database = string.Empty;
    private IHeadEndStorage? _first;
    private IHeadEndStorage? _second;

    private IHeadEndStorage First => _first!;

    private IHeadEndStorage Second => _second!;

    public async Task InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(Bound);
        _database = await cluster.CreateDatabaseAsync(timeout.Token);
        _first = await HeadEndStorage.OpenAsync(_database, cancellationToken: timeout.Token);
        _second = await HeadEndStorage.OpenAsync(_database, cancellationToken: timeout.Token);
    }

    public async Task DisposeAsync()
    {
        foreach (var storage in new[] { _first, _second })
        {
            if (storage is not null)
            {
                await storage.DisposeAsync();
            }
        }

        using var cleanup = new CancellationTokenSource(Bound);
        await cluster.DropDatabaseAsync(_database, cleanup.Token);
    }

    [Fact]
    public async Task RunAsync_TwoRelaysOnOneOutboxWithAStreamOfMessages_EachMessageDeliveredExactlyOnce()
    {
        using var timeout = new CancellationTokenSource(Bound);
        var ct = timeout.Token;
        await using var queue = await NorthboundQueue.DeclareAsync(broker, _exchange, ct);
        var entries = Enumerable.Range(0, 4_000).Select(Entry).ToList();
        await First.Outbox.AppendAsync(entries[..3_000], ct);
        var options = Options() with { BatchSize = 50, RoundsInFlight = 3 };
        await using var one = await RelayRun.StartAsync(First, Publisher(), options, ct);
        await using var two = await RelayRun.StartAsync(Second, Publisher(), options, ct);

        // More messages keep coming from the other node while both relays publish.
        for (var start = 3_000; start < 4_000; start += 50)
        {
            await Second.Outbox.AppendAsync(entries[start..(start + 50)], ct);
        }

        Assert.True(await Until.TrueAsync(async () => await First.Outbox.CountAsync(ct) == 0, Bound / 2, ct), "The outbox was not emptied.");
        await one.StopAsync();
        await two.StopAsync();

        var received = await NorthboundQueue.DrainAsync(broker, queue.Name, ct);
        Assert.Equal(entries.Select(e => e.MessageId).Order(), received.Select(m => m.MessageId!).Order());
        Assert.True(one.Metrics.Published > 0 && two.Metrics.Published > 0, $"One relay published everything ({one.Metrics.Published} and {two.Metrics.Published}).");
        Assert.Equal(4_000, one.Metrics.Published + two.Metrics.Published);
    }

    [Fact]
    public async Task RunAsync_RowsClaimedByARelayThatDied_TakenOverAfterTheLeaseAndDeliveredExactlyOnce()
    {
        using var timeout = new CancellationTokenSource(Bound);
        var ct = timeout.Token;
        await using var queue = await NorthboundQueue.DeclareAsync(broker, _exchange, ct);
        var entries = Enumerable.Range(0, 200).Select(Entry).ToList();
        await First.Outbox.AppendAsync(entries, ct);
        var lease = TimeSpan.FromSeconds(15);

        // A relay of the first node claims the oldest hundred and dies before publishing them.
        var claimedAt = DateTimeOffset.UtcNow;
        var dead = await First.Outbox.ClaimAsync(100, claimedAt, claimedAt + lease, ct);
        var held = dead.Select(m => m.Sequence).ToHashSet();
        await using var survivor = await RelayRun.StartAsync(Second, Publisher(), Options(), ct);

        Assert.True(
            await Until.TrueAsync(async () => !(await Second.Outbox.ReadAsync(1_000, ct)).Any(m => !held.Contains(m.Sequence)), Bound / 4, ct),
            "The rows nobody held were not published.");
        if (DateTimeOffset.UtcNow < claimedAt + lease)
        {
            // Within the lease the dead relay's rows are left alone.
            Assert.Equal(held.Order(), (await Second.Outbox.ReadAsync(1_000, ct)).Select(m => m.Sequence).Order());
        }

        Assert.True(await Until.TrueAsync(async () => await Second.Outbox.CountAsync(ct) == 0, lease + Bound / 4, ct), "The dead relay's rows were not taken over.");
        Assert.True(DateTimeOffset.UtcNow >= claimedAt + lease, "The dead relay's rows were taken over before their claim lapsed.");
        await survivor.StopAsync();
        var received = await NorthboundQueue.DrainAsync(broker, queue.Name, ct);
        Assert.Equal(entries.Select(e => e.MessageId).Order(), received.Select(m => m.MessageId!).Order());
    }

    [Fact]
    public async Task RunAsync_AnotherNodeFillsTheOutbox_AlarmRaisedFromTheBoundedCountAuditedOnceAndCleared()
    {
        using var timeout = new CancellationTokenSource(Bound);
        var ct = timeout.Token;
        await using var queue = await NorthboundQueue.DeclareAsync(broker, _exchange, ct);
        var options = Options() with { MaxMessages = 60, HighWaterMark = 30, LowWaterMark = 10, CountInterval = TimeSpan.FromMilliseconds(200) };
        var gauge = new OutboxGauge(options.MaxMessages);
        using var metrics = new NorthboundMetrics(gauge);
        var audit = await AuditLog.OpenAsync(Second.Audit, TimeProvider.System, ct);

        // The second node's broker is unreachable; the first node writes the messages (its gauge is not the second's).
        await using (var down = await RelayRun.StartAsync(Second, Publisher() with { Uri = new Uri($"amqp://{RabbitMqNode.User}@127.0.0.1:{ClosedPort()}/") }, options, ct, gauge, metrics, audit))
        {
            await First.Outbox.AppendAsync([.. Enumerable.Range(0, 40).Select(Entry)], ct);
            Assert.True(await Until.TrueAsync(() => metrics.Alarm && metrics.PublishFailures >= 3, Bound / 4, ct), "The alarm was not raised.");
            await down.StopAsync();
        }

        Assert.Equal(40, gauge.Count);
        Assert.Equal(1, metrics.BrokerDown);
        await using (var up = await RelayRun.StartAsync(Second, Publisher(), options, ct, gauge, metrics, audit))
        {
            Assert.True(await Until.TrueAsync(() => !metrics.Alarm && gauge.Count == 0, Bound / 4, ct), "The alarm was not cleared.");
            await up.StopAsync();
        }

        var raised = Assert.Single(await AuditAsync(OutboxRelay.HighWaterAction, ct));
        Assert.Contains("\"messages\":40", raised.Detail, StringComparison.Ordinal);
        Assert.Single(await AuditAsync(OutboxRelay.RecoveredAction, ct));
        Assert.Single(await AuditAsync(OutboxRelay.BrokerDownAction, ct));
        Assert.Equal(40, (await NorthboundQueue.DrainAsync(broker, queue.Name, ct)).Count);
    }

    private AmqpPublisherOptions Publisher() => new() { Uri = broker.Uri, Password = broker.Password, Exchange = _exchange, ConnectTimeout = TimeSpan.FromSeconds(5) };

    private static NorthboundOptions Options() => new() { MinRetryDelay = TimeSpan.FromMilliseconds(50), MaxRetryDelay = TimeSpan.FromMilliseconds(500), PollInterval = TimeSpan.FromMilliseconds(100), BatchSize = 100 };

    private static OutboxEntry Entry(int n) =>
        new($"reading:MTL{n:D8}:{n:x32}", NorthboundMessageType.Reading, $"reading.MTL{n:D8}", T0.AddMinutes(n), $$"""{"schema":1,"n":{{n}}}""");

    private async Task<List<AuditRecord>> AuditAsync(string action, CancellationToken cancellationToken)
    {
        var records = new List<AuditRecord>();
        await foreach (var record in First.Audit.ReadAsync(1, cancellationToken))
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
