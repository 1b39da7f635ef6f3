using Meterline.HeadEnd.Commands;
using Meterline.HeadEnd.Communication;
using Meterline.HeadEnd.Keys;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Readings;

namespace Meterline.HeadEnd.Tests.Commands;

public sealed class CommandDispatcherTests
{
    [Fact]
    public async Task Disconnect_Confirmed_SentBeforeTheWireAndRelayStored()
    {
        await using var h = new CommandHarness();
        var meter = await h.AddMeterAsync();
        var command = await h.RequestAsync(meter.Id, new DisconnectParameters());
        (CommandState? State, bool SentAudited) atOpen = default;
        h.Connector.OnOpen = _ => atOpen = (h.Commands.GetAsync(command.Id).Result?.State, h.Audit.Actions.Contains("command.disconnect.sent"));

        h.StartDispatcher();
        var done = await h.WaitForAsync(command.Id, CommandState.Confirmed);

        Assert.Equal((CommandState.Sent, true), atOpen);
        Assert.Equal(["command.disconnect.requested", "command.disconnect.sent", "command.disconnect.confirmed"], h.Audit.Actions);
        Assert.Contains("\"relay\":\"Disconnected\"", done.Result, StringComparison.Ordinal);
        Assert.Equal(RelayState.Disconnected, (await h.Meters.GetAsync(meter.Id))!.RelayState);
        Assert.Equal(["remote_disconnect"], h.Connector[meter.Id].Actions);
        Assert.NotNull(done.SentAt);
        Assert.NotNull((await h.Meters.GetAsync(meter.Id))!.LastHeardAt);
    }

    [Fact]
    public async Task Connect_ControlModeOne_ConfirmedAsReadyForReconnectionAndSaysSo()
    {
        await using var h = new CommandHarness();
        var meter = await h.AddMeterAsync();
        h.Connector[meter.Id].Relay = RelayState.Disconnected;
        var command = await h.RequestAsync(meter.Id, new ConnectParameters());

        h.StartDispatcher();
        var done = await h.WaitForAsync(command.Id, CommandState.Confirmed);

        Assert.Contains("\"relay\":\"ReadyForReconnection\"", done.Result, StringComparison.Ordinal);
        Assert.Contains("control mode 1", done.Result, StringComparison.Ordinal);
        Assert.Equal(RelayState.ReadyForReconnection, (await h.Meters.GetAsync(meter.Id))!.RelayState);
    }

    [Fact]
    public async Task Disconnect_RelayDoesNotMove_FailedWithTheRelayReadBack()
    {
        await using var h = new CommandHarness();
        var meter = await h.AddMeterAsync();
        h.Connector[meter.Id].StuckRelay = true;
        var command = await h.RequestAsync(meter.Id, new DisconnectParameters());

        h.StartDispatcher();
        var done = await h.WaitForAsync(command.Id, CommandState.Failed);

        Assert.Equal("{\"relay\":\"Connected\",\"error\":\"the relay did not move as asked\"}", done.Result);
        Assert.Equal(RelayState.Connected, (await h.Meters.GetAsync(meter.Id))!.RelayState);
        Assert.Equal("command.disconnect.failed", h.Audit.Actions[^1]);
    }

    [Fact]
    public async Task Disconnect_RefusedByTheMeter_FailedWithRefusalAndRelay()
    {
        await using var h = new CommandHarness();
        var meter = await h.AddMeterAsync();
        h.Connector[meter.Id].RefuseRelay = true;
        var command = await h.RequestAsync(meter.Id, new DisconnectParameters());

        h.StartDispatcher();
        var done = await h.WaitForAsync(command.Id, CommandState.Failed);

        Assert.Contains("refused by the meter", done.Result, StringComparison.Ordinal);
        Assert.Contains("\"relay\":\"Connected\"", done.Result, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TimeSync_ClockReadsBackRight_Confirmed_OffBeyondTolerance_Failed()
    {
        await using var h = new CommandHarness();
        var good = await h.AddMeterAsync(1);
        var bad = await h.AddMeterAsync(2);
        h.Connector[bad.Id].ClockError = TimeSpan.FromMinutes(1);
        var first = await h.RequestAsync(good.Id, new TimeSyncParameters());
        var second = await h.RequestAsync(bad.Id, new TimeSyncParameters());

        h.StartDispatcher();
        var confirmed = await h.WaitForAsync(first.Id, CommandState.Confirmed);
        var failed = await h.WaitForAsync(second.Id, CommandState.Failed);

        Assert.Equal(CommandHarness.Start, h.Connector[good.Id].Clock);
        Assert.Contains("\"skewSeconds\":0", confirmed.Result, StringComparison.Ordinal);
        Assert.Contains("more than 10 s off", failed.Result, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_RegistersAndProfileRange_ConfirmedAndIntervalsStored()
    {
        await using var h = new CommandHarness();
        var meter = await h.AddMeterAsync();
        var state = h.Connector[meter.Id];
        state.Registers[Quantity.CumulativeImportEnergy] = 1234;
        for (var i = 1; i <= 8; i++)
        {
            state.Profile.Add(new IntervalReading(meter.Id, CommandHarness.Start.AddMinutes(-15 * i), Quantity.BlockImportEnergy, i, ReadingQuality.Authenticated | ReadingQuality.BackFilled));
        }

        var command = await h.RequestAsync(meter.Id, new ReadParameters([Quantity.CumulativeImportEnergy, Quantity.MaximumDemand], CommandHarness.Start.AddHours(-1), CommandHarness.Start));

        h.StartDispatcher();
        var done = await h.WaitForAsync(command.Id, CommandState.Confirmed);

        Assert.Contains("{\"obis\":\"1.0.1.8.0.255\",\"value\":1234,\"unit\":\"Wh\"}", done.Result, StringComparison.Ordinal);
        Assert.Contains("\"missing\":[\"1.0.1.6.0.255\"]", done.Result, StringComparison.Ordinal);
        Assert.Contains("\"entries\":4,\"readings\":4,\"stored\":4", done.Result, StringComparison.Ordinal);
        Assert.Equal(4, await h.Readings.CountReadingsAsync(meter.Id));
    }

    [Fact]
    public async Task ActivityCalendar_Written_Confirmed()
    {
        await using var h = new CommandHarness();
        var meter = await h.AddMeterAsync();
        var calendar = new TariffCalendar("TOU", [new TariffSwitch(new TimeOnly(0, 0), 1), new TariffSwitch(new TimeOnly(18, 0), 3)], CommandHarness.Start.AddDays(1));
        var command = await h.RequestAsync(meter.Id, new ActivityCalendarParameters(calendar));

        h.StartDispatcher();
        await h.WaitForAsync(command.Id, CommandState.Confirmed);

        Assert.Equal(new ActivityCalendarParameters(calendar), new ActivityCalendarParameters(h.Connector[meter.Id].Calendar!));
    }

    [Fact]
    public async Task NotBefore_InTheFuture_NotSentUntilItPasses()
    {
        await using var h = new CommandHarness();
        var meter = await h.AddMeterAsync();
        var command = await h.RequestAsync(meter.Id, new DisconnectParameters(), CommandHarness.Start.AddMinutes(10));
        h.StartDispatcher();
        for (var i = 0; i < 20; i++)
        {
            h.Dispatcher.Wake();
            await Task.Delay(5);
        }

        Assert.Equal(CommandState.Requested, (await h.Commands.GetAsync(command.Id))!.State);
        Assert.Equal(0, h.Connector.Opened);

        h.Time.Advance(TimeSpan.FromMinutes(10));
        await h.WaitForAsync(command.Id, CommandState.Confirmed);
    }

    [Fact]
    public async Task Deadline_PassedBeforeSending_TimedOutAuditedAndNeverSent()
    {
        await using var h = new CommandHarness();
        var meter = await h.AddMeterAsync();
        var command = await h.RequestAsync(meter.Id, new DisconnectParameters());
        h.Time.Advance(TimeSpan.FromMinutes(6));

        h.StartDispatcher();
        var done = await h.WaitForAsync(command.Id, CommandState.TimedOut);

        Assert.Null(done.SentAt);
        Assert.Equal(0, h.Connector.Opened);
        Assert.Equal(["command.disconnect.requested", "command.disconnect.timed-out"], h.Audit.Actions);
    }

    [Fact]
    public async Task Deadline_PassesWhileRunning_TimedOutAndAudited()
    {
        await using var h = new CommandHarness();
        var meter = await h.AddMeterAsync();
        h.Connector.Gate = new TaskCompletionSource();
        var command = await h.RequestAsync(meter.Id, new DisconnectParameters());
        h.StartDispatcher();
        await h.WaitForAsync(command.Id, CommandState.Sent);
        await CommandHarness.UntilAsync(() => h.Connector.Opened == 1);

        h.Time.Advance(TimeSpan.FromMinutes(5));
        var done = await h.WaitForAsync(command.Id, CommandState.TimedOut);

        Assert.Contains("not confirmed before its deadline", done.Result, StringComparison.Ordinal);
        Assert.Equal("command.disconnect.timed-out", h.Audit.Actions[^1]);
    }

    [Fact]
    public async Task Concurrency_GlobalLimitAndOneCommandPerMeter()
    {
        await using var h = new CommandHarness(new CommandDispatcherOptions { MaxConcurrency = 2 });
        var meters = new List<Meter>();
        for (var i = 1; i <= 4; i++)
        {
            meters.Add(await h.AddMeterAsync(i));
        }

        h.Connector.Gate = new TaskCompletionSource();
        var commands = new List<CommandRecord>();
        foreach (var meter in meters)
        {
            commands.Add(await h.RequestAsync(meter.Id, new TimeSyncParameters()));
        }

        commands.Add(await h.RequestAsync(meters[0].Id, new ReadParameters([Quantity.CumulativeImportEnergy])));
        h.StartDispatcher();
        await CommandHarness.UntilAsync(() => h.Connector.Opened == 2);
        for (var i = 0; i < 20; i++)
        {
            h.Dispatcher.Wake();
            await Task.Delay(5);
        }

        Assert.Equal(2, h.Dispatcher.Running);
        Assert.Equal(2, h.Connector.MaxOpen);

        h.Connector.Gate.SetResult();
        foreach (var command in commands)
        {
            await h.WaitForAsync(command.Id, CommandState.Confirmed);
        }

        Assert.Equal(2, h.Connector.MaxOpen);
        Assert.Equal(1, h.Connector.MaxOpenPerMeter);
        Assert.Equal(5, h.Connector.Opened);
    }

    [Fact]
    public async Task Cancelled_BeforePickup_NeverSent()
    {
        await using var h = new CommandHarness();
        var meter = await h.AddMeterAsync();
        var command = await h.RequestAsync(meter.Id, new DisconnectParameters());
        Assert.True(await h.Service.CancelAsync(command.Id, "operator-2"));
        var other = await h.RequestAsync(meter.Id, new TimeSyncParameters());

        h.StartDispatcher();
        await h.WaitForAsync(other.Id, CommandState.Confirmed);

        Assert.Equal(CommandState.Cancelled, (await h.Commands.GetAsync(command.Id))!.State);
        Assert.DoesNotContain("remote_disconnect", h.Connector[meter.Id].Actions);
    }

    [Fact]
    public async Task NoConnectorForTheEndpoint_FailedWithoutBeingSent()
    {
        await using var h = new CommandHarness();
        var meter = await h.AddMeterAsync(endpoint: new MeterEndpoint("zigbee://0013A20040A1B2C3"));
        var command = await h.RequestAsync(meter.Id, new DisconnectParameters());

        h.StartDispatcher();
        var done = await h.WaitForAsync(command.Id, CommandState.Failed);

        Assert.Null(done.SentAt);
        Assert.Equal("{\"error\":\"no connector reaches zigbee endpoints\"}", done.Result);
        Assert.Equal(["command.disconnect.requested", "command.disconnect.failed"], h.Audit.Actions);
    }

    [Fact]
    public async Task MeterUnreachable_FailedAsUnreachable()
    {
        await using var h = new CommandHarness();
        var meter = await h.AddMeterAsync();
        h.Connector.FailOpen = new MeterCommunicationException("Connecting timed out", refused: false, isTransient: true);
        var command = await h.RequestAsync(meter.Id, new DisconnectParameters());

        h.StartDispatcher();
        var done = await h.WaitForAsync(command.Id, CommandState.Failed);

        Assert.Equal("{\"error\":\"meter unreachable: Connecting timed out\"}", done.Result);
        Assert.NotNull(done.SentAt);
    }

    [Fact]
    public async Task AuditUnavailableAtSend_FailedAndNothingOnTheWire()
    {
        await using var h = new CommandHarness();
        var meter = await h.AddMeterAsync();
        var command = await h.RequestAsync(meter.Id, new DisconnectParameters());
        h.Audit.Fail = new IOException("disk full");

        h.StartDispatcher();
        var done = await h.WaitForAsync(command.Id, CommandState.Failed);

        Assert.Equal("{\"error\":\"not sent: the audit log is unavailable\"}", done.Result);
        Assert.Equal(0, h.Connector.Opened);
    }

    [Fact]
    public async Task Recovery_SentCommandsAtStart_ResolvedByRelayOrFailedAndNeverResent()
    {
        await using var h = new CommandHarness();
        var open = await h.AddMeterAsync(1);
        var closed = await h.AddMeterAsync(2);
        var other = await h.AddMeterAsync(3);
        h.Connector[open.Id].Relay = RelayState.Disconnected;
        var confirmed = await SentAsync(h, open.Id, new DisconnectParameters());
        var failed = await SentAsync(h, closed.Id, new DisconnectParameters());
        var unknown = await SentAsync(h, other.Id, new TimeSyncParameters());

        h.StartDispatcher();

        Assert.Contains("\"relay\":\"Disconnected\"", (await h.WaitForAsync(confirmed, CommandState.Confirmed)).Result, StringComparison.Ordinal);
        Assert.Equal("{\"error\":\"interrupted; relay reads Connected\"}", (await h.WaitForAsync(failed, CommandState.Failed)).Result);
        Assert.Equal("{\"error\":\"interrupted, outcome unknown\"}", (await h.WaitForAsync(unknown, CommandState.Failed)).Result);
        Assert.Empty(h.Connector[open.Id].Actions);
        Assert.Empty(h.Connector[closed.Id].Actions);
        Assert.Empty(h.Connector[other.Id].Actions);
        Assert.Equal(RelayState.Disconnected, (await h.Meters.GetAsync(open.Id))!.RelayState);
        Assert.Contains("command.disconnect.confirmed", h.Audit.Actions);
        Assert.Contains("command.time-sync.failed", h.Audit.Actions);
    }

    [Fact]
    public async Task Recovery_RelayUnreadable_FailedOutcomeUnknown()
    {
        await using var h = new CommandHarness();
        var meter = await h.AddMeterAsync();
        var id = await SentAsync(h, meter.Id, new ConnectParameters());
        h.Connector.FailOpen = new MeterCommunicationException("no route", refused: false, isTransient: true);

        h.StartDispatcher();
        var done = await h.WaitForAsync(id, CommandState.Failed);

        Assert.Contains("interrupted, outcome unknown: the relay could not be read", done.Result, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Changes_StateChangesArePublished()
    {
        await using var h = new CommandHarness();
        var meter = await h.AddMeterAsync();
        var command = await h.RequestAsync(meter.Id, new DisconnectParameters());

        h.StartDispatcher();
        await h.WaitForAsync(command.Id, CommandState.Confirmed);
        await CommandHarness.UntilAsync(() => h.Dispatcher.Changes.Count == 2);

        var changes = new List<CommandStateChange>();
        while (h.Dispatcher.Changes.TryRead(out var change))
        {
            changes.Add(change);
        }

        Assert.Equal([CommandState.Sent, CommandState.Confirmed], changes.Select(c => c.State));
        Assert.All(changes, c => Assert.Equal((command.Id, meter.Id, CommandKind.Disconnect), (c.Id, c.Meter, c.Kind)));
    }

    [Fact]
    public async Task Changes_NobodyReading_OldestDroppedAndCounted()
    {
        await using var h = new CommandHarness(new CommandDispatcherOptions { NotificationCapacity = 1 });
        var meter = await h.AddMeterAsync();
        var command = await h.RequestAsync(meter.Id, new DisconnectParameters());

        h.StartDispatcher();
        await h.WaitForAsync(command.Id, CommandState.Confirmed);
        await CommandHarness.UntilAsync(() => h.Dispatcher.DroppedChanges == 1);

        Assert.True(h.Dispatcher.Changes.TryRead(out var last));
        Assert.Equal(CommandState.Confirmed, last!.State);
        Assert.Equal(1, h.Dispatcher.DroppedChanges);
    }

    [Fact]
    public async Task KeyRotation_Confirmed_NewGenerationStoredBeforeTransferAndActive()
    {
        await using var h = new CommandHarness();
        var meter = await h.AddMeterAsync();
        var storedAtTransfer = -1;
        var statusAtTransfer = KeyStatus.Active;
        h.Connector[meter.Id].BeforeTransfer = () =>
        {
            storedAtTransfer = h.KeyStore.GetAsync(meter.Id, 2).Result.Count;
            statusAtTransfer = h.Meters.GetAsync(meter.Id).Result!.KeyStatus;
        };
        var command = await h.RequestAsync(meter.Id, new KeyRotationParameters());

        h.StartDispatcher();
        var done = await h.WaitForAsync(command.Id, CommandState.Confirmed);

        Assert.Equal((4, KeyStatus.Rotating), (storedAtTransfer, statusAtTransfer));
        Assert.Equal("{\"fromGeneration\":1,\"toGeneration\":2}", done.Result);
        var after = (await h.Meters.GetAsync(meter.Id))!;
        Assert.Equal((KeyStatus.Active, 2), (after.KeyStatus, after.KeyGeneration));
        using var old = await h.Vault.GetSecretsAsync(meter.Id, 1);
        using var fresh = await h.Vault.GetSecretsAsync(meter.Id, 2);
        Assert.False(old!.Encryption.SequenceEqual(fresh!.Encryption));
        Assert.False(old.Authentication.SequenceEqual(fresh.Authentication));
        Assert.True(old.Master.SequenceEqual(fresh.Master));
    }

    [Fact]
    public async Task KeyRotation_Refused_FailedAndOldGenerationStaysActive()
    {
        await using var h = new CommandHarness();
        var meter = await h.AddMeterAsync();
        h.Connector[meter.Id].TransferFailure = new MeterCommunicationException("ACTION global_key_transfer: the meter answered OtherReason", refused: true, isTransient: false);
        var command = await h.RequestAsync(meter.Id, new KeyRotationParameters());

        h.StartDispatcher();
        var done = await h.WaitForAsync(command.Id, CommandState.Failed);

        Assert.Contains("the meter refused the key transfer", done.Result, StringComparison.Ordinal);
        var after = (await h.Meters.GetAsync(meter.Id))!;
        Assert.Equal((KeyStatus.Active, 1), (after.KeyStatus, after.KeyGeneration));
        Assert.DoesNotContain(h.Audit.Entries, e => e.Detail.Contains("Encryption", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task KeyRotation_AnswerLostButKeysTookEffect_ConfirmedByTheNewKeys()
    {
        await using var h = new CommandHarness();
        var meter = await h.AddMeterAsync();
        h.Connector[meter.Id].TransferFailure = new MeterCommunicationException("No response within 10 s", refused: false, isTransient: true);
        h.Connector[meter.Id].TransferTakesEffect = true;
        var command = await h.RequestAsync(meter.Id, new KeyRotationParameters());

        h.StartDispatcher();
        var done = await h.WaitForAsync(command.Id, CommandState.Confirmed);

        Assert.Contains("the new keys work", done.Result, StringComparison.Ordinal);
        Assert.Equal(2, (await h.Meters.GetAsync(meter.Id))!.KeyGeneration);
    }

    [Fact]
    public async Task KeyRotation_LeftoverGeneration_UsesTheNextFreeOne()
    {
        await using var h = new CommandHarness();
        var meter = await h.AddMeterAsync();
        await h.Vault.ProvisionAsync(meter.Id, generation: 2);
        h.Connector[meter.Id].NextGeneration = 3;
        var command = await h.RequestAsync(meter.Id, new KeyRotationParameters());

        h.StartDispatcher();
        var done = await h.WaitForAsync(command.Id, CommandState.Confirmed);

        Assert.Equal("{\"fromGeneration\":1,\"toGeneration\":3}", done.Result);
        Assert.Equal(3, (await h.Meters.GetAsync(meter.Id))!.KeyGeneration);
    }

    private static async Task<CommandId> SentAsync(CommandHarness h, MeterId meter, CommandParameters parameters)
    {
        var command = await h.RequestAsync(meter, parameters);
        Assert.True(await h.Commands.TransitionAsync(command.Id, CommandState.Requested, CommandState.Sent, CommandHarness.Start));
        return command.Id;
    }
}
