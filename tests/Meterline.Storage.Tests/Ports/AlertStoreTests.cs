using Meterline.HeadEnd.Analytics;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Northbound;
using Meterline.Storage.Tests.Support;

namespace Meterline.Storage.Tests.Ports;

/// <summary>The alert store's contract, run against each engine.</summary>
public abstract class AlertStoreTests : StorageTestBase
{
    private static Finding Found(MeterId meter, DateTimeOffset from, DateTimeOffset to, string rule = "neutral-mismatch", AlertSeverity severity = AlertSeverity.Warning, string discriminator = "") =>
        new(meter, rule, AlertCategory.Theft, severity, 0.75, "Neutral and phase current differed.", from, to,
            [new EvidenceItem(to, EvidenceItem.Reading, "neutral current", 4.25, "A"), new EvidenceItem(to, EvidenceItem.Computed, "ratio", null)], discriminator);

    [Fact]
    public async Task RaiseAsync_NewFinding_OpensAlertWithEvidence()
    {
        var meter = await AddMeterAsync(1);
        var result = await Storage.Alerts.RaiseAsync(Found(meter.Id, T0, T0.AddMinutes(45)), T0.AddHours(1), cancellationToken: Token);

        Assert.Equal(AlertRaiseOutcome.Opened, result.Outcome);
        var alert = await Storage.Alerts.GetAsync(result.Alert!.Id, Token);
        Assert.NotNull(alert);
        Assert.Equal(meter.Id, alert.Meter);
        Assert.Equal(AlertState.Open, alert.State);
        Assert.Equal(T0, alert.FirstSeen);
        Assert.Equal(T0.AddMinutes(45), alert.LastSeen);
        Assert.Equal(T0.AddHours(1), alert.RaisedAt);
        Assert.Equal(1, alert.Occurrences);
        Assert.Equal(0.75, alert.Confidence);
        Assert.Equal(2, alert.Evidence.Count);
        Assert.Equal(new EvidenceItem(T0.AddMinutes(45), EvidenceItem.Reading, "neutral current", 4.25, "A"), alert.Evidence[0]);
        Assert.Null(alert.Evidence[1].Value);
    }

    [Fact]
    public async Task RaiseAsync_SameKeyNewerData_ExtendsOpenAlert()
    {
        var meter = await AddMeterAsync(1);
        var first = await Storage.Alerts.RaiseAsync(Found(meter.Id, T0, T0.AddMinutes(45)), T0, cancellationToken: Token);
        var second = await Storage.Alerts.RaiseAsync(Found(meter.Id, T0, T0.AddMinutes(60), severity: AlertSeverity.Critical), T0, cancellationToken: Token);

        Assert.Equal(AlertRaiseOutcome.Extended, second.Outcome);
        Assert.Equal(first.Alert!.Id, second.Alert!.Id);
        Assert.Equal(2, second.Alert.Occurrences);
        Assert.Equal(T0.AddMinutes(60), second.Alert.LastSeen);
        Assert.Equal(AlertSeverity.Critical, second.Alert.Severity);
        Assert.Single(await Storage.Alerts.ListAsync(new AlertFilter(Meter: meter.Id), null, 100, Token));
    }

    [Fact]
    public async Task RaiseAsync_LaterFindingStartingEarlier_AlertKeepsTheEarliestStart()
    {
        var meter = await AddMeterAsync(1);
        var first = await Storage.Alerts.RaiseAsync(Found(meter.Id, T0.AddHours(48), T0.AddHours(57)), T0.AddHours(58), cancellationToken: Token);
        var longer = await Storage.Alerts.RaiseAsync(Found(meter.Id, T0.AddHours(1), T0.AddHours(96)), T0.AddHours(97), cancellationToken: Token);
        var later = await Storage.Alerts.RaiseAsync(Found(meter.Id, T0.AddHours(90), T0.AddHours(100)), T0.AddHours(101), cancellationToken: Token);

        Assert.Equal(AlertRaiseOutcome.Extended, longer.Outcome);
        Assert.Equal(first.Alert!.Id, longer.Alert!.Id);
        Assert.Equal(T0.AddHours(1), longer.Alert.FirstSeen);
        Assert.Equal(T0.AddHours(96), longer.Alert.LastSeen);
        Assert.Equal(T0.AddHours(58), longer.Alert.RaisedAt);
        Assert.Equal(AlertRaiseOutcome.Extended, later.Outcome);
        Assert.Equal(T0.AddHours(1), later.Alert!.FirstSeen);
        Assert.Equal(T0.AddHours(100), later.Alert.LastSeen);
    }

    [Fact]
    public async Task RaiseAsync_SameDataAgain_Unchanged()
    {
        var meter = await AddMeterAsync(1);
        await Storage.Alerts.RaiseAsync(Found(meter.Id, T0, T0.AddMinutes(45)), T0, cancellationToken: Token);
        var again = await Storage.Alerts.RaiseAsync(Found(meter.Id, T0, T0.AddMinutes(45)), T0, cancellationToken: Token);

        Assert.Equal(AlertRaiseOutcome.Unchanged, again.Outcome);
        Assert.Equal(1, again.Alert!.Occurrences);
    }

    [Fact]
    public async Task RaiseAsync_OtherDiscriminatorOrMeter_OpensSeparateAlerts()
    {
        var one = await AddMeterAsync(1);
        var two = await AddMeterAsync(2);
        await Storage.Alerts.RaiseAsync(Found(one.Id, T0, T0, "tamper-event", discriminator: "201"), T0, cancellationToken: Token);
        await Storage.Alerts.RaiseAsync(Found(one.Id, T0, T0, "tamper-event", discriminator: "251"), T0, cancellationToken: Token);
        await Storage.Alerts.RaiseAsync(Found(two.Id, T0, T0, "tamper-event", discriminator: "201"), T0, cancellationToken: Token);

        Assert.Equal(3, (await Storage.Alerts.ListAsync(new AlertFilter(RuleId: "tamper-event"), null, 100, Token)).Count);
    }

    [Fact]
    public async Task RaiseAsync_AfterClose_OnlyNewerDataOpensAnother()
    {
        var meter = await AddMeterAsync(1);
        var opened = await Storage.Alerts.RaiseAsync(Found(meter.Id, T0, T0.AddMinutes(45)), T0, cancellationToken: Token);
        await Storage.Alerts.TransitionAsync(opened.Alert!.Id, AlertState.Closed, "operator-1", T0.AddHours(1), cancellationToken: Token);

        var old = await Storage.Alerts.RaiseAsync(Found(meter.Id, T0, T0.AddMinutes(45)), T0.AddHours(2), cancellationToken: Token);
        var newer = await Storage.Alerts.RaiseAsync(Found(meter.Id, T0.AddDays(1), T0.AddDays(1).AddMinutes(45)), T0.AddDays(1), cancellationToken: Token);

        Assert.Equal(AlertRaiseOutcome.Unchanged, old.Outcome);
        Assert.Equal(AlertRaiseOutcome.Opened, newer.Outcome);
        Assert.NotEqual(opened.Alert.Id, newer.Alert!.Id);
    }

    [Fact]
    public async Task TransitionAsync_AcknowledgeThenClose_RecordsWhoAndWhen()
    {
        var meter = await AddMeterAsync(1);
        var id = (await Storage.Alerts.RaiseAsync(Found(meter.Id, T0, T0), T0, cancellationToken: Token)).Alert!.Id;

        var acknowledged = await Storage.Alerts.TransitionAsync(id, AlertState.Acknowledged, "alice", T0.AddMinutes(5), cancellationToken: Token);
        var again = await Storage.Alerts.TransitionAsync(id, AlertState.Acknowledged, "bob", T0.AddMinutes(6), cancellationToken: Token);
        var closed = await Storage.Alerts.TransitionAsync(id, AlertState.Closed, "bob", T0.AddMinutes(7), cancellationToken: Token);
        var reclosed = await Storage.Alerts.TransitionAsync(id, AlertState.Closed, "carol", T0.AddMinutes(8), cancellationToken: Token);

        Assert.Equal(AlertTransitionOutcome.Done, acknowledged.Outcome);
        Assert.Equal(AlertTransitionOutcome.NotAllowed, again.Outcome);
        Assert.Equal(AlertTransitionOutcome.Done, closed.Outcome);
        Assert.Equal(AlertTransitionOutcome.NotAllowed, reclosed.Outcome);
        var alert = (await Storage.Alerts.GetAsync(id, Token))!;
        Assert.Equal(AlertState.Closed, alert.State);
        Assert.Equal(("alice", T0.AddMinutes(5)), (alert.AcknowledgedBy, alert.AcknowledgedAt!.Value));
        Assert.Equal(("bob", T0.AddMinutes(7)), (alert.ClosedBy, alert.ClosedAt!.Value));
        Assert.Equal(AlertTransitionOutcome.NotFound, (await Storage.Alerts.TransitionAsync(new AlertId(999), AlertState.Closed, "bob", T0, cancellationToken: Token)).Outcome);
    }

    [Fact]
    public async Task AssignAsync_AssignReassignReleaseThenClosed_RecordsWhoAndRefusesAClosedAlert()
    {
        var meter = await AddMeterAsync(1);
        var id = (await Storage.Alerts.RaiseAsync(Found(meter.Id, T0, T0), T0, cancellationToken: Token)).Alert!.Id;

        var assigned = await Storage.Alerts.AssignAsync(id, "dave", "alice", T0.AddMinutes(1), Token);
        var acknowledged = await Storage.Alerts.TransitionAsync(id, AlertState.Acknowledged, "dave", T0.AddMinutes(2), cancellationToken: Token);
        var reassigned = await Storage.Alerts.AssignAsync(id, "erin", "bob", T0.AddMinutes(3), Token);

        Assert.Equal((AlertTransitionOutcome.Done, "dave", "alice", T0.AddMinutes(1)), (assigned.Outcome, assigned.Alert!.AssignedTo, assigned.Alert.AssignedBy, assigned.Alert.AssignedAt!.Value));
        Assert.Equal(("dave", AlertState.Acknowledged), (acknowledged.Alert!.AssignedTo, acknowledged.Alert.State));
        Assert.Equal((AlertTransitionOutcome.Done, "erin", "bob", AlertState.Acknowledged), (reassigned.Outcome, reassigned.Alert!.AssignedTo, reassigned.Alert.AssignedBy, reassigned.Alert.State));

        var released = await Storage.Alerts.AssignAsync(id, null, "erin", T0.AddMinutes(4), Token);
        Assert.Equal((AlertTransitionOutcome.Done, null, "erin"), (released.Outcome, released.Alert!.AssignedTo, released.Alert.AssignedBy));

        await Storage.Alerts.TransitionAsync(id, AlertState.Closed, "erin", T0.AddMinutes(5), cancellationToken: Token);
        var late = await Storage.Alerts.AssignAsync(id, "frank", "alice", T0.AddMinutes(6), Token);
        Assert.Equal((AlertTransitionOutcome.NotAllowed, null), (late.Outcome, late.Alert!.AssignedTo));
        Assert.Equal(AlertTransitionOutcome.NotFound, (await Storage.Alerts.AssignAsync(new AlertId(999), "frank", "alice", T0, Token)).Outcome);
        await Assert.ThrowsAsync<ArgumentException>(() => Storage.Alerts.AssignAsync(id, new string('x', 257), "alice", T0, Token));
    }

    [Fact]
    public async Task RaiseAndTransition_WithOutbox_WriteMessagesInSameTransaction()
    {
        var meter = await AddMeterAsync(1);
        OutboxEntry Message(Alert a) => new("alert:" + a.Id + ":" + a.State, NorthboundMessageType.Alert, "alert.theft.x", T0, "{}");
        var id = (await Storage.Alerts.RaiseAsync(Found(meter.Id, T0, T0), T0, a => [Message(a)], Token)).Alert!.Id;
        await Storage.Alerts.RaiseAsync(Found(meter.Id, T0, T0.AddMinutes(15)), T0, a => [Message(a)], Token);
        await Storage.Alerts.TransitionAsync(id, AlertState.Closed, "alice", T0, a => [Message(a)], Token);

        var rows = await Storage.Outbox.ReadAsync(100, Token);
        Assert.Equal(["alert:" + id + ":Open", "alert:" + id + ":Closed"], rows.Select(r => r.Entry.MessageId));
    }

    [Fact]
    public async Task ListAsync_FilterAndPage_NewestFirst()
    {
        var meter = await AddMeterAsync(1);
        var ids = new List<AlertId>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((await Storage.Alerts.RaiseAsync(Found(meter.Id, T0, T0, discriminator: i.ToString(System.Globalization.CultureInfo.InvariantCulture)), T0, cancellationToken: Token)).Alert!.Id);
        }

        await Storage.Alerts.TransitionAsync(ids[1], AlertState.Acknowledged, "alice", T0, cancellationToken: Token);
        var first = await Storage.Alerts.ListAsync(new AlertFilter(State: AlertState.Open), null, 2, Token);
        var second = await Storage.Alerts.ListAsync(new AlertFilter(State: AlertState.Open), first[^1].Id, 2, Token);

        Assert.Equal([ids[4], ids[3]], first.Select(a => a.Id));
        Assert.Equal([ids[2], ids[0]], second.Select(a => a.Id));
        Assert.Empty(await Storage.Alerts.ListAsync(new AlertFilter(RuleId: "other"), null, 10, Token));
    }

    [Fact]
    public async Task RaiseAsync_UnknownMeterOrBadFinding_Refused()
    {
        await Assert.ThrowsAsync<KeyNotFoundException>(() => Storage.Alerts.RaiseAsync(Found(new MeterId(77), T0, T0), T0, cancellationToken: Token));
        var meter = await AddMeterAsync(1);
        await Assert.ThrowsAsync<ArgumentException>(() => Storage.Alerts.RaiseAsync(Found(meter.Id, T0, T0) with { Confidence = 1.5 }, T0, cancellationToken: Token));
        await Assert.ThrowsAsync<ArgumentException>(() => Storage.Alerts.RaiseAsync(Found(meter.Id, T0.AddHours(1), T0), T0, cancellationToken: Token));
        Assert.Empty(await Storage.Alerts.ListAsync(new AlertFilter(), null, 10, Token));
    }

    [Fact]
    public async Task SetTransformerMeterAsync_SetAndReplace_ReadsBack()
    {
        var one = await AddMeterAsync(1);
        var two = await AddMeterAsync(2);
        Assert.Null(await Storage.Transformers.GetTransformerMeterAsync("DT-1", Token));
        await Storage.Transformers.SetTransformerMeterAsync("DT-1", one.Id, Token);
        await Storage.Transformers.SetTransformerMeterAsync("DT-1", two.Id, Token);

        Assert.Equal(two.Id, await Storage.Transformers.GetTransformerMeterAsync("DT-1", Token));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => Storage.Transformers.SetTransformerMeterAsync("DT-2", new MeterId(99), Token));
    }
}
