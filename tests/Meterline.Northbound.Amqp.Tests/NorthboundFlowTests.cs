using System.Globalization;
using System.Text.Json;
using Meterline.EndToEnd.Tests.Support;
using Meterline.HeadEnd.Commands;
using Meterline.HeadEnd.Readings;
using Meterline.Northbound.Amqp.Tests.Support;
using Meterline.Simulator.Scenarios;
using Meterline.Storage.Tests.Support;

namespace Meterline.Northbound.Amqp.Tests;

/// <summary>
/// A simulated fleet pushes to a real head-end node over DLMS/TCP; the node publishes to the private RabbitMQ node
/// through its outbox; a real consumer (RabbitMQ.Client) reads its durable queue. Every reading stored arrives in a
/// reading message (counted by message id: none missing, copies identical), the meters' magnet and power-failure events
/// arrive as alerts and outages, a command's result as a command message, all in the documented schema; and the same
/// holds when the broker is stopped and restarted mid-stream. Run once per engine.
/// </summary>
public abstract class NorthboundFlowTests(RabbitMqNode broker)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(240);
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(60);
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);

    protected abstract IStorageTarget Target { get; }

    [Fact]
    public async Task Node_FleetWithMagnetOutageAndACommand_ConsumerGetsEveryReadingAlertOutageAndResultInTheSchema()
    {
        using var timeout = new CancellationTokenSource(Bound);
        var ct = timeout.Token;
        var exchange = "meterline.test." + Guid.NewGuid().ToString("N");
        await using var queue = await NorthboundQueue.DeclareAsync(broker, exchange, ct);
        await using var node = await NorthboundNode.StartAsync(Target, broker, exchange, ct);
        await using var fleet = await RunningFleet.StartAsync(2, 1_800, Start, node.PushEndpoint,
            [Scenario("magnet:meter=0:at=2026-03-02T00:30Z:for=30m"), Scenario("outage:meter=1:at=2026-03-02T00:30Z:for=30m")], ct);
        await node.Node.Provisioner.ImportFileAsync(fleet.ProvisioningPath, "test", ct);
        var meters = await StoredReadings.MetersAsync(node.Node.Meters, ct);
        var first = meters[fleet.Meters[0].Id];
        var second = meters[fleet.Meters[1].Id];

        fleet.Run();
        await fleet.UntilAsync(Start.AddHours(2), ct);
        var command = await node.Node.CommandService.RequestAsync(new CommandSubmission(first.Id, new ReadParameters([Quantity.CumulativeImportEnergy]), "operator:test"), ct);
        Assert.True(await Until.TrueAsync(async () => (await node.Node.Stores.Commands.GetAsync(command.Id, ct))!.IsFinal, Settle, ct), "The command did not finish.");
        await fleet.StopAsync();
        var messages = await SettleAndDrainAsync(node, queue, ct);

        Assert.Equal(CommandState.Confirmed, (await node.Node.Stores.Commands.GetAsync(command.Id, ct))!.State);
        foreach (var message in messages)
        {
            AssertEnvelope(message);
        }

        await AssertEveryReadingPublishedAsync(node, messages, ct);
        var magnet = messages.Where(m => m.RoutingKey == "alert.magnet." + first.Serial).Select(m => m.Json).ToList();
        Assert.Contains(magnet, j => j.GetProperty("eventCode").GetInt32() == 201 && j.GetProperty("category").GetString() == "magnet");
        Assert.Contains(magnet, j => j.GetProperty("eventCode").GetInt32() == 202);
        var alert = magnet.First(j => j.GetProperty("eventCode").GetInt32() == 201);
        Assert.Equal(first.SystemTitle.ToString(), alert.GetProperty("meter").GetProperty("systemTitle").GetString());
        Assert.Contains(alert.GetProperty("values").EnumerateArray(), v => v.GetProperty("obis").GetString() == "1.0.12.7.0.255" && v.GetProperty("unit").GetString() == "V");
        var start = Assert.Single(messages, m => m.RoutingKey == "outage.start." + second.Serial).Json;
        var end = Assert.Single(messages, m => m.RoutingKey == "outage.end." + second.Serial).Json;
        Assert.Equal((101, "start"), (start.GetProperty("eventCode").GetInt32(), start.GetProperty("phase").GetString()));
        Assert.Equal((102, "end"), (end.GetProperty("eventCode").GetInt32(), end.GetProperty("phase").GetString()));
        Assert.True(Time(end.GetProperty("occurredAt")) > Time(start.GetProperty("occurredAt")));
        var result = Assert.Single(messages, m => m.RoutingKey == "command.confirmed.read").Json.GetProperty("command");
        Assert.Equal(command.Id.Value, result.GetProperty("id").GetInt64());
        Assert.Equal(("read", "confirmed", "operator:test"), (result.GetProperty("kind").GetString(), result.GetProperty("state").GetString(), result.GetProperty("requestedBy").GetString()));
        Assert.Equal(JsonValueKind.Object, result.GetProperty("result").ValueKind);
        node.AssertRunning();
    }

    [Fact]
    public async Task Node_BrokerStoppedAndRestartedMidStream_IngestGoesOnAndEveryCommittedReadingArrives()
    {
        using var timeout = new CancellationTokenSource(Bound);
        var ct = timeout.Token;
        var exchange = "meterline.test." + Guid.NewGuid().ToString("N");
        await using var queue = await NorthboundQueue.DeclareAsync(broker, exchange, ct);
        await using var node = await NorthboundNode.StartAsync(Target, broker, exchange, ct);
        await using var fleet = await RunningFleet.StartAsync(3, 1_800, Start, node.PushEndpoint, scenarios: null, ct);
        await node.Node.Provisioner.ImportFileAsync(fleet.ProvisioningPath, "test", ct);
        var metrics = node.Northbound.Metrics;

        fleet.Run();
        Assert.True(await Until.TrueAsync(() => metrics.Published >= 10, Settle, ct), "Nothing was published before the broker stopped.");
        await broker.StopAsync();
        long storedWhenStopped;
        try
        {
            storedWhenStopped = await node.Node.Stores.Readings.CountReadingsAsync(cancellationToken: ct);
            Assert.True(await Until.TrueAsync(async () => await node.Node.Storage.Outbox.CountAsync(ct) >= 20, Settle, ct), "The outbox did not grow while the broker was down.");
            Assert.True(await node.Node.Stores.Readings.CountReadingsAsync(cancellationToken: ct) > storedWhenStopped, "Ingest stopped with the broker.");
        }
        finally
        {
            await broker.StartAsync();
        }

        await fleet.UntilAsync(fleet.Now.AddHours(1), ct);
        await fleet.StopAsync();
        var messages = await SettleAndDrainAsync(node, queue, ct);

        Assert.True(metrics.PublishFailures > 0, "No publish failed while the broker was down.");
        await AssertEveryReadingPublishedAsync(node, messages, ct);
        node.AssertRunning();
    }

    /// <summary>Waits until the node has published everything it committed, then takes the queue's messages.</summary>
    private async Task<List<ReceivedMessage>> SettleAndDrainAsync(NorthboundNode node, NorthboundQueue queue, CancellationToken ct)
    {
        var pipeline = node.Node.Pipeline;
        Assert.True(
            await Until.TrueAsync(async () => pipeline.QueuedPriority == 0 && pipeline.QueuedUsage == 0 && await node.Node.Storage.Outbox.CountAsync(ct) == 0, Settle, ct),
            "The outbox was not emptied.");
        await Task.Delay(TimeSpan.FromMilliseconds(500), ct);
        Assert.Equal(0, await node.Node.Storage.Outbox.CountAsync(ct));
        return await NorthboundQueue.DrainAsync(broker, queue.Name, ct);
    }

    /// <summary>The stored readings and the published ones are the same set; copies of one message id are identical.</summary>
    private static async Task AssertEveryReadingPublishedAsync(NorthboundNode node, List<ReceivedMessage> messages, CancellationToken ct)
    {
        foreach (var copies in messages.GroupBy(m => m.MessageId))
        {
            Assert.Single(copies.Select(m => m.Body).Distinct());
        }

        var published = new HashSet<(string Serial, DateTimeOffset Time, string Obis, double Value)>();
        foreach (var message in messages.Where(m => m.Type == "reading").DistinctBy(m => m.MessageId))
        {
            var json = message.Json;
            var serial = json.GetProperty("meter").GetProperty("serial").GetString()!;
            Assert.Equal("reading." + serial, message.RoutingKey);
            foreach (var reading in json.GetProperty("readings").EnumerateArray())
            {
                published.Add((serial, Time(reading.GetProperty("time")), reading.GetProperty("obis").GetString()!, reading.GetProperty("value").GetDouble()));
                Assert.Contains("authenticated", reading.GetProperty("quality").EnumerateArray().Select(q => q.GetString()));
            }
        }

        var stored = new HashSet<(string, DateTimeOffset, string, double)>();
        foreach (var (serial, meter) in await StoredReadings.MetersAsync(node.Node.Meters, ct))
        {
            foreach (var reading in await StoredReadings.AllAsync(node.Node.Stores.Readings, meter.Id, Start.AddDays(-1), Start.AddDays(2), ct))
            {
                stored.Add((serial, reading.Time, reading.Quantity.Obis, reading.Value));
            }
        }

        Assert.NotEmpty(stored);
        Assert.Equal(stored.Count, published.Count);
        Assert.True(stored.SetEquals(published), $"{stored.Except(published).Count()} stored readings were not published; {published.Except(stored).Count()} published ones are not stored.");
    }

    /// <summary>The AMQP properties and the envelope every message carries (docs/northbound.md).</summary>
    private static void AssertEnvelope(ReceivedMessage message)
    {
        var json = message.Json;
        Assert.True(message.Persistent, message.RoutingKey);
        Assert.Equal("application/json", message.ContentType);
        Assert.Equal(1, Convert.ToInt32(message.SchemaHeader, CultureInfo.InvariantCulture));
        Assert.Equal(1, json.GetProperty("schema").GetInt32());
        Assert.Equal(message.MessageId, json.GetProperty("messageId").GetString());
        Assert.Equal(message.Type, json.GetProperty("type").GetString());
        Assert.StartsWith(message.Type + ".", message.RoutingKey, StringComparison.Ordinal);
        var createdAt = json.GetProperty("createdAt").GetString()!;
        Assert.EndsWith("Z", createdAt, StringComparison.Ordinal);
        Assert.Equal(DateTimeOffset.Parse(createdAt, CultureInfo.InvariantCulture).ToUnixTimeSeconds(), message.Timestamp);
        Assert.False(string.IsNullOrEmpty(json.GetProperty("meter").GetProperty("serial").GetString()));
    }

    private static DateTimeOffset Time(JsonElement element)
    {
        var text = element.GetString()!;
        Assert.EndsWith("Z", text, StringComparison.Ordinal);
        return DateTimeOffset.Parse(text, CultureInfo.InvariantCulture);
    }

    private static Scenario Scenario(string text) =>
        ScenarioParser.TryParse(text, out var scenario, out var error) ? scenario : throw new ArgumentException(error, nameof(text));
}
