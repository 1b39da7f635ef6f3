using Meterline.Simulator.Tests.Support;

namespace Meterline.Simulator.Tests.Fleet;

/// <summary>A silenced meter stays powered and keeps its pushes, answers and sends nothing, and sends what it held once heard again.</summary>
public sealed class SimulatedMeterSilenceTests
{
    [Fact]
    public void SetSilent_PushWaiting_NothingAnsweredOrTakenUntilTheSilenceEnds()
    {
        using var fleet = new FleetFixture(1);
        var meter = fleet.Meters[0];
        meter.SetCoverOpen(true);
        var waiting = meter.Meter.PendingPushes;

        meter.SetSilent(true);
        var takenWhileSilent = meter.TryTakePush(out _);

        Assert.True(waiting > 0);
        Assert.False(takenWhileSilent);
        Assert.False(meter.Answers);
        Assert.True(meter.IsSilent);
        Assert.True(meter.Meter.IsPowered);
        Assert.Equal(waiting, meter.Meter.PendingPushes);

        meter.SetSilent(false);

        Assert.True(meter.Answers);
        Assert.True(meter.TryTakePush(out _));
    }
}
