using Meterline.Simulator.Scenarios;

namespace Meterline.Simulator.Tests.Scenarios;

public sealed class ScenarioScheduleTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static Scenario Parse(string text) =>
        ScenarioParser.TryParse(text, out var scenario, out var error) ? scenario : throw new ArgumentException(error);

    private static RecordingMeter[] Meters(int count) => Enumerable.Range(0, count).Select(_ => new RecordingMeter()).ToArray();

    [Fact]
    public void Apply_BeforeStartDuringAndAfter_TurnsTheConditionOnThenOff()
    {
        var meters = Meters(4);
        var schedule = new ScenarioSchedule([Parse("magnet:meter=2:at=2026-01-01T10:00Z:for=2h")], Start);

        schedule.Apply(Start.AddHours(9), meters);
        Assert.Empty(meters[2].Calls);

        schedule.Apply(Start.AddHours(10), meters);
        Assert.Equal(["magnet True"], meters[2].Calls);
        Assert.Equal(1, schedule.ActiveCount);

        schedule.Apply(Start.AddHours(11), meters);
        schedule.Apply(Start.AddHours(12), meters);
        Assert.Equal(["magnet True", "magnet False"], meters[2].Calls);
        Assert.Equal(0, schedule.ActiveCount);
        Assert.All(new[] { meters[0], meters[1], meters[3] }, m => Assert.Empty(m.Calls));
    }

    [Fact]
    public void Apply_FrequencyScenario_ImposesTheFrequencyThenGivesTheGridsBack()
    {
        var meters = Meters(2);
        var schedule = new ScenarioSchedule([Parse("frequency:meter=1:at=2026-01-01T01:00Z:for=1h:hz=48.9")], Start);

        schedule.Apply(Start.AddHours(1), meters);
        schedule.Apply(Start.AddHours(2), meters);

        Assert.Equal(["frequency 48.9", "frequency grid"], meters[1].Calls);
        Assert.Empty(meters[0].Calls);
    }

    [Fact]
    public void Apply_SilentOverARange_SilencesThenGivesTheLinkBack()
    {
        var meters = Meters(3);
        var schedule = new ScenarioSchedule([Parse("silent:meters=0-1:from=2026-01-01T01:00Z:for=30m")], Start);

        schedule.Apply(Start.AddHours(1), meters);
        schedule.Apply(Start.AddHours(2), meters);

        Assert.All(meters[0..2], m => Assert.Equal(["silent True", "silent False"], m.Calls));
        Assert.Empty(meters[2].Calls);
    }

    [Fact]
    public void Apply_OutageOverARange_ReachesEveryMeterInIt()
    {
        var meters = Meters(5);
        var schedule = new ScenarioSchedule([Parse("outage:meters=1-3:for=30m")], Start);

        schedule.Apply(Start, meters);

        Assert.Empty(meters[0].Calls);
        Assert.All(meters[1..4], m => Assert.Equal(["outage True"], m.Calls));
        Assert.Empty(meters[4].Calls);
    }

    [Fact]
    public void Apply_OverlappingScenariosOfOneKind_TheConditionHoldsUntilTheLastEnds()
    {
        var meters = Meters(1);
        var schedule = new ScenarioSchedule(
            [Parse("magnet:meter=0:at=2026-01-01T01:00Z:for=2h"), Parse("magnet:meter=0:at=2026-01-01T02:00Z:for=2h")],
            Start);

        schedule.Apply(Start.AddHours(1), meters);
        schedule.Apply(Start.AddHours(2), meters);
        schedule.Apply(Start.AddHours(3), meters);
        Assert.Equal(["magnet True"], meters[0].Calls);

        schedule.Apply(Start.AddHours(4), meters);
        Assert.Equal(["magnet True", "magnet False"], meters[0].Calls);
    }

    [Fact]
    public void Apply_SagThenEnd_SetsTheFactorAndRestoresNominal()
    {
        var meters = Meters(3);
        var schedule = new ScenarioSchedule([Parse("sag:meter=2:for=1h:factor=0.75")], Start);

        schedule.Apply(Start, meters);
        schedule.Apply(Start.AddHours(1), meters);

        Assert.Equal(["voltage 0.75", "voltage 1"], meters[2].Calls);
    }

    [Fact]
    public void Apply_DriftAndCoverOpenWithoutEnd_StayApplied()
    {
        var meters = Meters(8);
        var schedule = new ScenarioSchedule([Parse("drift:meter=7:ppm=80"), Parse("cover-open:meter=5"), Parse("neutral:meter=1"), Parse("reverse:meter=1")], Start);

        schedule.Apply(Start, meters);
        schedule.Apply(Start.AddDays(400), meters);

        Assert.Equal(["drift 80"], meters[7].Calls);
        Assert.Equal(["cover True"], meters[5].Calls);
        Assert.Equal(["neutral True", "reverse True"], meters[1].Calls);
        Assert.Equal(4, schedule.ActiveCount);
    }

    [Fact]
    public void Apply_ScenarioShorterThanATick_StartsAndEndsWithoutChangingTheMeter()
    {
        var meters = Meters(1);
        var schedule = new ScenarioSchedule([Parse("magnet:meter=0:at=2026-01-01T00:10Z:for=1m")], Start);

        schedule.Apply(Start.AddHours(1), meters);

        Assert.Empty(meters[0].Calls);
        Assert.Equal(1, schedule.StartedCount);
        Assert.Equal(0, schedule.ActiveCount);
    }

    private sealed class RecordingMeter : IScenarioTarget
    {
        public List<string> Calls { get; } = [];

        public void SetMagnet(bool present) => Calls.Add($"magnet {present}");

        public void SetNeutralDisturbance(bool present) => Calls.Add($"neutral {present}");

        public void SetReverseCurrent(bool present) => Calls.Add($"reverse {present}");

        public void SetOutage(bool present) => Calls.Add($"outage {present}");

        public void SetSilent(bool silent) => Calls.Add($"silent {silent}");

        public void SetVoltageFactor(double factor) => Calls.Add(FormattableString.Invariant($"voltage {factor}"));

        public void SetCoverOpen(bool open) => Calls.Add($"cover {open}");

        public void SetClockDrift(double ppm) => Calls.Add(FormattableString.Invariant($"drift {ppm}"));

        public void SetLoadBypass(double share) => Calls.Add(FormattableString.Invariant($"bypass {share}"));

        public void SetSupplyFrequency(double? hertz) => Calls.Add(FormattableString.Invariant($"frequency {hertz?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "grid"}"));
    }
}
