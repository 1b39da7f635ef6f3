using Meterline.Dlms.Apdus;
using Meterline.Dlms.Cosem;
using Meterline.Meter.Control;

namespace Meterline.Meter.Tests.Meter;

/// <summary>
/// The meter's Limiter (class 71) set through the utility association and acting on the meter's own load: its
/// actions are the Disconnect control's local disconnect and reconnect (transitions g and h), which the control mode
/// allows or not.
/// </summary>
public sealed class SmartMeterLimiterTests : IDisposable
{
    private static readonly ObisCode Limiter = new(0, 0, 17, 0, 0, 255);
    private static readonly ObisCode DisconnectControl = new(0, 0, 96, 3, 10, 255);
    private readonly TestMeters _meters = new();

    public void Dispose() => _meters.Dispose();

    [Fact]
    public async Task OverThenUnder_ControlModeOne_OpensOnceAndWaitsForTheCustomer()
    {
        var meter = _meters.Create();
        await SetAsync(meter, threshold: 1, minOver: 120, minUnder: 60);

        // Over from the first step (1 min); min_over is met two minutes later.
        Step(TimeSpan.FromMinutes(2), meter);
        Assert.True(meter.Relay.OutputState);
        Step(TimeSpan.FromMinutes(1), meter);

        Assert.False(meter.Relay.OutputState);
        Assert.Equal(DisconnectControlState.ReadyForReconnection, meter.Relay.ControlState);
        Step(TimeSpan.FromMinutes(10), meter);
        Assert.Equal(0, meter.LastSample.ActivePower);
        Assert.False(meter.Relay.OutputState);
        Assert.Equal(1, meter.EventCounts.GetValueOrDefault(ControlEventCodes.LoadSwitchDisconnected));
        Assert.Equal(0, meter.EventCounts.GetValueOrDefault(ControlEventCodes.LoadSwitchConnected));

        Assert.True(meter.Relay.ManualReconnect());
        Assert.True(meter.Relay.OutputState);
    }

    [Fact]
    public async Task OverThenUnder_ControlModeFive_ReconnectsAfterMinUnderAndTripsAgain()
    {
        var meter = _meters.Create();
        await SetAsync(meter, threshold: 1, minOver: 120, minUnder: 300, mode: DisconnectControlMode.Mode5);

        // Over from the first step (1 min), so it opens at 3 min.
        Step(TimeSpan.FromMinutes(3), meter);
        Assert.False(meter.Relay.OutputState);

        // No load while open: under the threshold from 4 min, and after min_under (5 min) the local reconnect (h) closes it.
        Step(TimeSpan.FromMinutes(5), meter);
        Assert.False(meter.Relay.OutputState);
        Step(TimeSpan.FromMinutes(1), meter);
        Assert.True(meter.Relay.OutputState);
        Assert.Equal(1, meter.EventCounts.GetValueOrDefault(ControlEventCodes.LoadSwitchConnected));

        // The load is back over the threshold: after min_over it opens again.
        Step(TimeSpan.FromMinutes(3), meter);
        Assert.False(meter.Relay.OutputState);
        Assert.Equal(2, meter.EventCounts.GetValueOrDefault(ControlEventCodes.LoadSwitchDisconnected));
    }

    [Fact]
    public async Task LoadUnderThreshold_NeverTrips()
    {
        var meter = _meters.Create();
        await SetAsync(meter, threshold: 1_000_000, minOver: 60, minUnder: 60);

        Step(TimeSpan.FromHours(2), meter);

        Assert.True(meter.Relay.OutputState);
        Assert.Equal(0, meter.EventCounts.GetValueOrDefault(ControlEventCodes.LoadSwitchDisconnected));
    }

    /// <summary>Advances the meter's time in one-minute steps (its metrology step), evaluating the limiter at each.</summary>
    private void Step(TimeSpan span, SmartMeter meter)
    {
        for (var t = TimeSpan.Zero; t < span; t += TimeSpan.FromMinutes(1))
        {
            _meters.Time.Advance(TimeSpan.FromMinutes(1));
            meter.AdvanceTo();
        }
    }

    private async Task SetAsync(SmartMeter meter, uint threshold, uint minOver, uint minUnder, DisconnectControlMode? mode = null)
    {
        var (connection, outcome) = await MeterConnection.OpenAsync(meter, _meters, "utility");
        await using var _ = connection;
        Assert.True(outcome.IsAssociated);
        if (mode is { } controlMode)
        {
            Assert.Equal(DataAccessResult.Success, await connection.Client.SetAsync(new CosemAttributeDescriptor(70, DisconnectControl, 4), new CosemData.Enum((byte)controlMode)).WaitAsync(MeterConnection.Timeout));
        }

        Assert.Equal(DataAccessResult.Success, await connection.Client.SetAsync(new CosemAttributeDescriptor(71, Limiter, 4), new CosemData.DoubleLongUnsigned(threshold)).WaitAsync(MeterConnection.Timeout));
        Assert.Equal(DataAccessResult.Success, await connection.Client.SetAsync(new CosemAttributeDescriptor(71, Limiter, 6), new CosemData.DoubleLongUnsigned(minOver)).WaitAsync(MeterConnection.Timeout));
        Assert.Equal(DataAccessResult.Success, await connection.Client.SetAsync(new CosemAttributeDescriptor(71, Limiter, 7), new CosemData.DoubleLongUnsigned(minUnder)).WaitAsync(MeterConnection.Timeout));
        Assert.Equal(threshold, meter.Limiter!.ThresholdActive);
    }
}
