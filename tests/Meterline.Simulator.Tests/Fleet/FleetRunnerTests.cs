using Meterline.Simulator.Fleet;
using Meterline.Simulator.Scenarios;
using Meterline.Simulator.Tests.Support;

namespace Meterline.Simulator.Tests.Fleet;

public sealed class FleetRunnerTests : IDisposable
{
    private readonly FleetFixture _fleet = new(3);

    private static Scenario Parse(string text) =>
        ScenarioParser.TryParse(text, out var scenario, out var error) ? scenario : throw new ArgumentException(error);

    private FleetRunner Runner(params Scenario[] scenarios) =>
        new(_fleet.Meters, _fleet.Time, new ScenarioSchedule(scenarios, FleetFixture.Start), null, null);

    [Fact]
    public void TickOnce_StepsEveryMeterToNow_AndTheLoadProfilesFill()
    {
        var runner = Runner();
        _fleet.Time.Advance(TimeSpan.FromHours(2));

        runner.TickOnce();

        var statistics = runner.Snapshot();
        Assert.Equal(3, statistics.Meters);
        Assert.Equal(3 * 8, statistics.LoadProfileEntries);
        Assert.Equal(1, statistics.Ticks);
        Assert.Equal(FleetFixture.Start.AddHours(2), statistics.SimulatedTime);
        Assert.True(statistics.PushesPending >= 3 * 8);
    }

    [Fact]
    public void TickOnce_OutageScenario_TheMeterLosesPowerAndLogsFailureAndRestoration()
    {
        var runner = Runner(Parse("outage:meter=1:at=2026-01-01T01:00Z:for=30m"));
        _fleet.Time.Advance(TimeSpan.FromHours(1));
        runner.TickOnce();
        _fleet.Time.Advance(TimeSpan.FromMinutes(5));
        runner.TickOnce();

        Assert.False(_fleet.Meters[1].Meter.IsPowered);
        Assert.True(_fleet.Meters[0].Meter.IsPowered);
        Assert.Equal(1, runner.Snapshot().MetersWithoutPower);
        Assert.Equal(1, runner.Snapshot().ActiveScenarios);

        _fleet.Time.Advance(TimeSpan.FromMinutes(30));
        runner.TickOnce();
        _fleet.Time.Advance(TimeSpan.FromMinutes(5));
        runner.TickOnce();

        Assert.True(_fleet.Meters[1].Meter.IsPowered);
        var events = _fleet.Meters[1].Meter.EventCounts;
        Assert.Equal(1, events.GetValueOrDefault((ushort)101));
        Assert.Equal(1, events.GetValueOrDefault((ushort)102));
        Assert.DoesNotContain(_fleet.Meters[0].Meter.EventCounts, e => e.Key is 101 or 102);
    }

    [Fact]
    public void TickOnce_MagnetScenario_TheMeterLogsTheTamper()
    {
        var runner = Runner(Parse("magnet:meter=2:at=2026-01-01T01:00Z:for=1h"));
        for (var minutes = 0; minutes <= 180; minutes += 5)
        {
            runner.TickOnce();
            _fleet.Time.Advance(TimeSpan.FromMinutes(5));
        }

        var events = _fleet.Meters[2].Meter.EventCounts;
        Assert.Equal(1, events.GetValueOrDefault((ushort)201));
        Assert.Equal(1, events.GetValueOrDefault((ushort)202));
        Assert.Equal(1UL, _fleet.Meters[2].Meter.TamperCount);
        Assert.Equal(0UL, _fleet.Meters[0].Meter.TamperCount);
    }

    [Fact]
    public void TickOnce_DriftScenario_SetsTheMetersClockDrift()
    {
        var runner = Runner(Parse("drift:meter=0:ppm=80"));

        runner.TickOnce();

        Assert.Equal(80, _fleet.Meters[0].Meter.Clock.DriftPpm);
        Assert.Equal(0, _fleet.Meters[1].Meter.Clock.DriftPpm);
    }

    [Fact]
    public void TickOnce_CoverOpenScenario_TheMeterErasesItsKeys()
    {
        var runner = Runner(Parse("cover-open:meter=0"));

        runner.TickOnce();

        Assert.Equal(1, _fleet.Meters[0].Meter.EventCounts.GetValueOrDefault((ushort)251));
        Assert.Null(_fleet.Meters[0].Meter.Keys.GlobalUnicastEncryptionKey);
        Assert.NotNull(_fleet.Meters[1].Meter.Keys.GlobalUnicastEncryptionKey);
    }

    [Fact]
    public async Task RunAsync_UntilCancelled_TicksAndSavesEveryMeter()
    {
        var runner = new FleetRunner(_fleet.Meters, _fleet.Time, new ScenarioSchedule([], FleetFixture.Start), null, null,
            new FleetRunnerOptions { TickPeriod = TimeSpan.FromMilliseconds(20), Slices = 2 });
        _fleet.Time.Advance(TimeSpan.FromDays(1));
        using var stop = new CancellationTokenSource();
        var running = runner.RunAsync(stop.Token);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (runner.Ticks < 3 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        await stop.CancelAsync();
        await running.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.True(runner.Ticks >= 3);
        Assert.Equal(0, runner.SaveFailures);
        foreach (var meter in _fleet.Meters)
        {
            var saved = new Meter.State.FileMeterStateStore(_fleet.StateDirectory).Load(meter.Id);
            Assert.NotNull(saved);
            Assert.Equal(meter.Meter.Registers.Snapshot()["import"], saved.Registers["import"]);
        }
    }

    public void Dispose() => _fleet.Dispose();
}
