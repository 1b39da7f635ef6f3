using System.Text.Json;
using Meterline.HeadEnd.Commands;
using Meterline.HeadEnd.Ingest;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Northbound;
using Meterline.HeadEnd.Readings;

namespace Meterline.HeadEnd.Tests.Northbound;

public sealed class NorthboundMessagesTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 0, 15, 0, TimeSpan.Zero);
    private static readonly Meters.Meter Known = new(new MeterId(7), "MTL.00*7#", new MeterSystemTitle(0x4D544C0000000007), "is15959-single-phase", null, null, null, null, null,
        SecurityLevel.AuthenticatedEncrypted, RelayState.Connected, CommunicationStatus.Unknown, null, KeyStatus.Active, 1);

    private readonly NorthboundMessages _messages;

    public NorthboundMessagesTests()
    {
        var directory = new MeterDirectory();
        directory.Set(Known);
        _messages = new NorthboundMessages(directory);
    }

    [Fact]
    public void Compose_SameReadingsInAnotherOrderOrBatch_SameMessageIdAndBody()
    {
        var readings = Readings(Known.Id, 0);
        var a = _messages.Compose(Batch(readings), T0);
        var b = _messages.Compose(Batch([.. readings.AsEnumerable().Reverse(), .. Readings(new MeterId(8), 0)]), T0);

        var first = Assert.Single(a);
        Assert.Equal(first, b.Single(e => e.RoutingKey == "reading.MTL_00_7_"));
        Assert.StartsWith("reading:MTL.00*7#:", first.MessageId, StringComparison.Ordinal);
        Assert.Equal("reading.meter-8", b.Single(e => e.RoutingKey != first.RoutingKey).RoutingKey);
    }

    [Fact]
    public void Compose_AValueDiffers_AnotherMessageId()
    {
        var readings = Readings(Known.Id, 0);
        var changed = readings.Select((r, i) => i == 1 ? r with { Value = r.Value + 0.001 } : r).ToList();

        Assert.NotEqual(_messages.Compose(Batch(readings), T0)[0].MessageId, _messages.Compose(Batch(changed), T0)[0].MessageId);
    }

    [Fact]
    public void Readings_Body_HasTheSchemaEnvelopeAndEachReadingWithObisUnitAndQuality()
    {
        var entry = _messages.Readings(Known.Id, [new IntervalReading(Known.Id, T0, Quantity.BlockImportEnergy, 12.5, ReadingQuality.Authenticated | ReadingQuality.BackFilled)], T0.AddSeconds(2.5));

        var json = JsonDocument.Parse(entry.Body).RootElement;
        Assert.Equal(1, json.GetProperty("schema").GetInt32());
        Assert.Equal("reading", json.GetProperty("type").GetString());
        Assert.Equal(entry.MessageId, json.GetProperty("messageId").GetString());
        Assert.Equal("2026-03-01T00:15:02.5Z", json.GetProperty("createdAt").GetString());
        Assert.Equal("4D544C0000000007", json.GetProperty("meter").GetProperty("systemTitle").GetString());
        var reading = json.GetProperty("readings")[0];
        Assert.Equal("2026-03-01T00:15:00Z", reading.GetProperty("time").GetString());
        Assert.Equal(("1.0.1.29.0.255", "Wh", 12.5), (reading.GetProperty("obis").GetString(), reading.GetProperty("unit").GetString(), reading.GetProperty("value").GetDouble()));
        Assert.Equal(["authenticated", "back-filled"], reading.GetProperty("quality").EnumerateArray().Select(q => q.GetString()));
    }

    [Theory]
    [InlineData(101, "outage", "outage.start.MTL_00_7_")]
    [InlineData(102, "outage", "outage.end.MTL_00_7_")]
    [InlineData(201, "alert", "alert.magnet.MTL_00_7_")]
    [InlineData(251, "alert", "alert.cover.MTL_00_7_")]
    [InlineData(203, "alert", "alert.tamper.MTL_00_7_")]
    [InlineData(164, "alert", "alert.key.MTL_00_7_")]
    [InlineData(170, "alert", "alert.replay.MTL_00_7_")]
    [InlineData(192, "alert", "alert.signature.MTL_00_7_")]
    [InlineData(7, "alert", "alert.voltage.MTL_00_7_")]
    [InlineData(301, "alert", "alert.relay.MTL_00_7_")]
    [InlineData(999, "alert", "alert.other.MTL_00_7_")]
    public void Event_ByCode_TypeAndRoutingKey(int code, string type, string routingKey)
    {
        var entry = _messages.Event(new MeterEvent(Known.Id, T0, code, [new RegisterValue(Quantity.Voltage, 231)], T0.AddMinutes(1)), T0.AddMinutes(1));

        Assert.Equal((type, routingKey), (entry.Type, entry.RoutingKey));
        Assert.Equal($"{type}:MTL.00*7#:2026-03-01T00:15:00Z:{code}", entry.MessageId);
        Assert.Equal(code, JsonDocument.Parse(entry.Body).RootElement.GetProperty("eventCode").GetInt32());
    }

    [Fact]
    public void CommandResult_TimedOutKeyRotation_KebabCaseKeyAndResultEmbeddedAsJsonOrText()
    {
        var command = new CommandRecord(new CommandId(42), Known.Id, CommandKind.KeyRotation, "{}", CommandState.Sent, "operator:asha", T0, null, T0.AddHours(1), T0.AddMinutes(1), null, null, null);

        var json = _messages.CommandResult(command, CommandState.TimedOut, T0.AddHours(1), """{"reason":"no answer"}""");
        var text = _messages.CommandResult(command, CommandState.Failed, T0.AddHours(1), "meter refused");

        Assert.Equal(("command.timed-out.key-rotation", "command:42:timed-out"), (json.RoutingKey, json.MessageId));
        Assert.Equal("no answer", JsonDocument.Parse(json.Body).RootElement.GetProperty("command").GetProperty("result").GetProperty("reason").GetString());
        Assert.Equal("meter refused", JsonDocument.Parse(text.Body).RootElement.GetProperty("command").GetProperty("result").GetString());
    }

    [Fact]
    public void Word_RoutingKeyMetacharactersAndNonAscii_Replaced() =>
        Assert.Equal("a_b_c_d_e_f", NorthboundMessages.Word("a.b*c#d e\u00e9f"));

    private static List<IntervalReading> Readings(MeterId meter, int block) =>
    [
        new(meter, T0.AddMinutes(15 * block), Quantity.BlockImportEnergy, 10.25, ReadingQuality.Authenticated),
        new(meter, T0.AddMinutes(15 * block), Quantity.BlockAverageVoltage, 231.5, ReadingQuality.Authenticated),
        new(meter, T0.AddMinutes(15 * (block + 1)), Quantity.BlockImportEnergy, 11, ReadingQuality.Authenticated),
    ];

    private static IngestBatch Batch(IReadOnlyList<IntervalReading> readings) => new(readings, [], [], new Dictionary<MeterId, uint>());
}
