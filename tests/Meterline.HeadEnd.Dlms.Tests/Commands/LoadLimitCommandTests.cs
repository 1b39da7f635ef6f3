using Meterline.HeadEnd.Commands;
using Meterline.HeadEnd.Communication;
using Meterline.HeadEnd.Dlms.Commands;
using Meterline.HeadEnd.Keys;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Testing;
using Meterline.Meter.Control;

namespace Meterline.HeadEnd.Dlms.Tests.Commands;

/// <summary>
/// LoadLimit against a real meter that demands signed commands, over loopback TCP, through the DLMS connector and the
/// command executor: the Limiter written by signed SETs and read back, and the meter's limiter acting on its load.
/// </summary>
public sealed class LoadLimitCommandTests : IDisposable
{
    private readonly HeadEndSigningKey _hes = new();

    public void Dispose() => _hes.Dispose();

    [Fact]
    public async Task LoadLimit_WithEmergencyProfile_SignedSetsReadBackConfirmedAndStored()
    {
        await using var meter = new ServedMeter(_hes.PublicKey);
        var (executor, limiters, _, entry) = await RegistryAsync(meter);
        var connector = Connector(meter);
        var profile = new LimiterEmergencyProfile(3, ServedMeter.Start.AddHours(18), TimeSpan.FromHours(2));
        var asked = new LimiterSettings(5000, 2000, 60, 30, profile);

        var outcome = await executor.ExecuteAsync(Command(entry.Id, new LoadLimitParameters(asked, "W")), entry, connector).WaitAsync(ServedMeter.Timeout);

        Assert.Equal(CommandState.Confirmed, outcome.State);
        var limiter = meter.SmartMeter.Limiter!;
        Assert.Equal((5000u, 2000u, 60u, 30u, 5000u), (limiter.ThresholdNormal, limiter.ThresholdEmergency, limiter.MinOverThresholdDuration, limiter.MinUnderThresholdDuration, limiter.ThresholdActive));
        Assert.Equal([(ushort)3], limiter.EmergencyProfileGroupIds.ToArray());
        Assert.Equal((ushort)3, limiter.EmergencyProfile.Id);
        Assert.Equal(7200u, limiter.EmergencyProfile.Duration);
        Assert.True(meter.SmartMeter.EventCounts.GetValueOrDefault(ControlEventCodes.LoadLimitSet) >= 2);
        var stored = await limiters.GetAsync(entry.Id);
        Assert.Equal(asked, stored!.Reading.Settings);
        Assert.Equal("W", stored.Reading.MonitoredUnit);
        Assert.False(stored.Reading.EmergencyProfileActive);
    }

    [Fact]
    public async Task LoadLimit_WithoutProfileAfterOne_RestoresNormalLimitAndClearsTheProfile()
    {
        await using var meter = new ServedMeter(_hes.PublicKey);
        var (executor, limiters, _, entry) = await RegistryAsync(meter);
        var connector = Connector(meter);
        var inForce = new LimiterEmergencyProfile(1, ServedMeter.Start.AddMinutes(-5), TimeSpan.FromHours(1));
        var first = await executor.ExecuteAsync(Command(entry.Id, new LoadLimitParameters(new LimiterSettings(5000, 2000, 60, 30, inForce))), entry, connector).WaitAsync(ServedMeter.Timeout);
        Assert.Equal(CommandState.Confirmed, first.State);
        Assert.Equal(2000u, meter.SmartMeter.Limiter!.ThresholdActive);
        Assert.True((await limiters.GetAsync(entry.Id))!.Reading.EmergencyProfileActive);

        var restore = await executor.ExecuteAsync(Command(entry.Id, new LoadLimitParameters(new LimiterSettings(5000, 0, 60, 30, null))), entry, connector).WaitAsync(ServedMeter.Timeout);

        Assert.Equal(CommandState.Confirmed, restore.State);
        Assert.Equal(5000u, meter.SmartMeter.Limiter.ThresholdActive);
        Assert.Empty(meter.SmartMeter.Limiter.EmergencyProfileGroupIds);
        var stored = (await limiters.GetAsync(entry.Id))!.Reading;
        Assert.Null(stored.Settings.EmergencyProfile);
        Assert.False(stored.EmergencyProfileActive);
        Assert.Equal(5000u, stored.ActiveThreshold);
    }

    [Fact]
    public async Task LoadLimit_ReadOnly_ReturnsTheMetersLimiterAndWritesNothing()
    {
        await using var meter = new ServedMeter(_hes.PublicKey);
        var (executor, _, _, entry) = await RegistryAsync(meter);
        var connector = Connector(meter);
        var setsBefore = meter.SmartMeter.EventCounts.GetValueOrDefault(ControlEventCodes.LoadLimitSet);

        var outcome = await executor.ExecuteAsync(Command(entry.Id, new LoadLimitParameters(null)), entry, connector).WaitAsync(ServedMeter.Timeout);

        Assert.Equal(CommandState.Confirmed, outcome.State);
        Assert.Contains("\"unit\":\"W\"", outcome.Result, StringComparison.Ordinal);
        Assert.Equal(setsBefore, meter.SmartMeter.EventCounts.GetValueOrDefault(ControlEventCodes.LoadLimitSet));
    }

    [Fact]
    public async Task LoadLimit_UnitVa_MeterMonitorsActivePower_FailedWithNothingWritten()
    {
        await using var meter = new ServedMeter(_hes.PublicKey);
        var (executor, limiters, _, entry) = await RegistryAsync(meter);
        var connector = Connector(meter);

        var outcome = await executor.ExecuteAsync(Command(entry.Id, new LoadLimitParameters(new LimiterSettings(5000, 0, 60, 30, null), "VA")), entry, connector).WaitAsync(ServedMeter.Timeout);

        Assert.Equal(CommandState.Failed, outcome.State);
        Assert.Contains("limits in W, not VA", outcome.Result, StringComparison.Ordinal);
        Assert.Equal(0u, meter.SmartMeter.Limiter!.ThresholdNormal);
        Assert.Null(await limiters.GetAsync(entry.Id));
    }

    [Fact]
    public async Task OverLimit_LoadAboveForMinOverDuration_MeterOpensTheRelayLogsItAndTheHeadEndReadsIt()
    {
        await using var meter = new ServedMeter(_hes.PublicKey);
        var (executor, _, meters, entry) = await RegistryAsync(meter);
        var connector = Connector(meter);
        var limit = new LimiterSettings(1, 0, 120, 60, null);
        Assert.Equal(CommandState.Confirmed, (await executor.ExecuteAsync(Command(entry.Id, new LoadLimitParameters(limit)), entry, connector).WaitAsync(ServedMeter.Timeout)).State);

        // One minute over is not yet two.
        meter.Time.Advance(TimeSpan.FromMinutes(1));
        meter.SmartMeter.AdvanceTo();
        Assert.True(meter.SmartMeter.LastSample.ActivePower > 1);
        Assert.True(meter.SmartMeter.Relay.OutputState);

        meter.Time.Advance(TimeSpan.FromMinutes(2));
        meter.SmartMeter.AdvanceTo();

        // action_over_threshold: a local disconnect (transition g), so control mode 1 leaves it for the customer to close.
        Assert.False(meter.SmartMeter.Relay.OutputState);
        Assert.Equal(DisconnectControlState.ReadyForReconnection, meter.SmartMeter.Relay.ControlState);
        Assert.Equal(1, meter.SmartMeter.EventCounts.GetValueOrDefault(ControlEventCodes.LoadSwitchDisconnected));
        Assert.Equal(RelayState.ReadyForReconnection, await executor.ReadRelayAsync(entry, connector).WaitAsync(ServedMeter.Timeout));
        Assert.Equal(RelayState.ReadyForReconnection, (await meters.GetAsync(entry.Id))!.RelayState);

        // Under the limit (no load) for min_under: mode 1 has no local reconnect (h), so the relay stays open.
        meter.Time.Advance(TimeSpan.FromMinutes(5));
        meter.SmartMeter.AdvanceTo();
        Assert.False(meter.SmartMeter.Relay.OutputState);
        Assert.False(meter.SmartMeter.Limiter!.IsOverThreshold);
    }

    [Fact]
    public async Task EmergencyProfile_LoadUnderNormalOverEmergency_TripsOnlyWhileTheProfileIsInForce()
    {
        await using var meter = new ServedMeter(_hes.PublicKey);
        var (executor, _, _, entry) = await RegistryAsync(meter);
        var connector = Connector(meter);
        var profile = new LimiterEmergencyProfile(9, ServedMeter.Start.AddMinutes(30), TimeSpan.FromHours(2));
        var limit = new LimiterSettings(LoadLimitParameters.MaxThreshold, 1, 60, 60, profile);
        Assert.Equal(CommandState.Confirmed, (await executor.ExecuteAsync(Command(entry.Id, new LoadLimitParameters(limit)), entry, connector).WaitAsync(ServedMeter.Timeout)).State);

        meter.Time.Advance(TimeSpan.FromMinutes(29));
        meter.SmartMeter.AdvanceTo();
        Assert.True(meter.SmartMeter.Relay.OutputState);
        Assert.False(meter.SmartMeter.Limiter!.EmergencyProfileActive);

        meter.Time.Advance(TimeSpan.FromMinutes(4));
        meter.SmartMeter.AdvanceTo();

        Assert.True(meter.SmartMeter.Limiter.EmergencyProfileActive);
        Assert.Equal(1u, meter.SmartMeter.Limiter.ThresholdActive);
        Assert.False(meter.SmartMeter.Relay.OutputState);
        Assert.Equal(1, meter.SmartMeter.EventCounts.GetValueOrDefault(ControlEventCodes.LoadSwitchDisconnected));
    }

    private static CommandRecord Command(MeterId meter, CommandParameters parameters) => new(
        new CommandId(1), meter, parameters.Kind, CommandParametersJson.Encode(parameters), CommandState.Sent, "operator-1",
        ServedMeter.Start, null, ServedMeter.Start.AddMinutes(5), ServedMeter.Start, null, null, null);

    private DlmsMeterConnector Connector(ServedMeter meter) => new(meter.Keyring, new InMemoryCounterStore(), new DlmsMeterConnectorOptions
    {
        SystemTitle = ServedMeter.HeadEndTitle,
        Profiles = new Dictionary<string, Meterline.Dlms.Profiles.MeterProfile> { [ServedMeter.Profile.Id] = ServedMeter.Profile },
        Signer = () => _hes.Signer,
        TimeProvider = meter.Time,
    });

    /// <summary>The meter registered (as meter 1) to take signed commands, and an executor over that registry storing confirmed limiters.</summary>
    private async Task<(CommandExecutor Executor, InMemoryMeterLimiterStore Limiters, InMemoryMeterRepository Meters, Meterline.HeadEnd.Meters.Meter Entry)> RegistryAsync(ServedMeter meter)
    {
        var meters = new InMemoryMeterRepository();
        var entry = await meters.AddAsync(new MeterRegistration(
            "MTL0001", MeterSystemTitle.Parse("4D544C0000000001"), ServedMeter.Profile.Id,
            Endpoint: new MeterEndpoint($"dlms+tcp://127.0.0.1:{meter.Port}?wport=1"), SecurityLevel: SecurityLevel.AuthenticatedEncryptedSigned));
        var rotation = new KeyRotation(meter.Keyring, new InMemoryMeterKeyStore(), new KeyProviderMeterKeyWrapper(_hes.Provider), meters);
        var limiters = new InMemoryMeterLimiterStore();
        return (new CommandExecutor(meters, new InMemoryReadingStore(), rotation, meter.Time, limiters: limiters), limiters, meters, entry);
    }
}
