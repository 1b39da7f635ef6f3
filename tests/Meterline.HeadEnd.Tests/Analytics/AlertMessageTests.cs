using System.Text.Json;
using Meterline.HeadEnd.Analytics;
using Meterline.HeadEnd.Ingest;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Northbound;

namespace Meterline.HeadEnd.Tests.Analytics;

/// <summary>The northbound message of an analytics alert (docs/northbound.md, docs/analytics.md).</summary>
public sealed class AlertMessageTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 0, 15, 0, TimeSpan.Zero);
    private static readonly Meters.Meter Known = new(new MeterId(7), "MTL00000007", new MeterSystemTitle(0x4D544C0000000007), "is15959-single-phase", null, null, null, null, null,
        SecurityLevel.AuthenticatedEncrypted, RelayState.Connected, CommunicationStatus.Unknown, null, KeyStatus.Active, 1);

    private static Alert Alert(AlertState state) => new(new AlertId(42), Known.Id, "neutral-mismatch", "neutral-mismatch", AlertCategory.Theft, AlertSeverity.Critical, 0.875,
        "Neutral and phase current differed.", [new EvidenceItem(T0, EvidenceItem.Reading, "neutral current", 2.5, "A"), new EvidenceItem(T0, EvidenceItem.Computed, "note")],
        state, T0.AddHours(-1), T0, 3, T0, null, null, null, null);

    private static NorthboundMessages Messages()
    {
        var directory = new MeterDirectory();
        directory.Set(Known);
        return new NorthboundMessages(directory);
    }

    [Fact]
    public void AnalyticsAlert_Open_RoutedByCategoryWithEvidence()
    {
        var entry = Messages().AnalyticsAlert(Alert(AlertState.Open), T0);

        Assert.Equal(("alert:42:open", NorthboundMessageType.Alert, "alert.theft.MTL00000007"), (entry.MessageId, entry.Type, entry.RoutingKey));
        var json = JsonDocument.Parse(entry.Body).RootElement;
        Assert.Equal("theft", json.GetProperty("category").GetString());
        var alert = json.GetProperty("alert");
        Assert.Equal(("neutral-mismatch", "critical", "open", 0.875), (alert.GetProperty("rule").GetString(), alert.GetProperty("severity").GetString(), alert.GetProperty("state").GetString(), alert.GetProperty("confidence").GetDouble()));
        Assert.Equal(2.5, alert.GetProperty("evidence")[0].GetProperty("value").GetDouble());
        Assert.False(alert.GetProperty("evidence")[1].TryGetProperty("value", out _));
    }

    [Fact]
    public void AnalyticsAlert_StateChange_AnotherMessageId()
    {
        var messages = Messages();

        Assert.Equal("alert:42:closed", messages.AnalyticsAlert(Alert(AlertState.Closed), T0).MessageId);
        Assert.Equal(messages.AnalyticsAlert(Alert(AlertState.Open), T0), messages.AnalyticsAlert(Alert(AlertState.Open), T0));
    }
}
