using Meterline.Simulator.Scenarios;

namespace Meterline.Simulator.Tests.Scenarios;

public sealed class ScenarioParserTests
{
    [Fact]
    public void TryParse_MagnetWithTimeAndDuration_ReadsEveryField()
    {
        Assert.True(ScenarioParser.TryParse("magnet:meter=3:at=2026-01-02T10:00Z:for=2h", out var scenario, out var error), error);

        Assert.Equal(new Scenario(ScenarioKind.Magnet, new MeterRange(3, 3), new DateTimeOffset(2026, 1, 2, 10, 0, 0, TimeSpan.Zero), TimeSpan.FromHours(2)), scenario);
    }

    [Fact]
    public void TryParse_OutageOverARange_ReadsTheRange()
    {
        Assert.True(ScenarioParser.TryParse("outage:meters=0-99:at=2026-01-02T10:00:00+05:30:for=30m", out var scenario, out var error), error);

        Assert.Equal(new MeterRange(0, 99), scenario.Meters);
        Assert.Equal(new DateTimeOffset(2026, 1, 2, 4, 30, 0, TimeSpan.Zero), scenario.At);
        Assert.Equal(TimeSpan.FromMinutes(30), scenario.For);
    }

    [Fact]
    public void TryParse_SilentWithFrom_FromIsTheStartLikeAt()
    {
        Assert.True(ScenarioParser.TryParse("silent:meters=0-3:from=2026-01-02T10:00Z:for=45m", out var scenario, out var error), error);

        Assert.Equal(new Scenario(ScenarioKind.Silent, new MeterRange(0, 3), new DateTimeOffset(2026, 1, 2, 10, 0, 0, TimeSpan.Zero), TimeSpan.FromMinutes(45)), scenario);
    }

    [Fact]
    public void TryParse_SagWithFactor_ReadsTheFactor()
    {
        Assert.True(ScenarioParser.TryParse("sag:meter=2:at=2026-01-02T10:00Z:for=1h:factor=0.75", out var scenario, out var error), error);

        Assert.Equal(ScenarioKind.Sag, scenario.Kind);
        Assert.Equal(0.75, scenario.Factor);
    }

    [Fact]
    public void TryParse_FrequencyWithHertz_ReadsTheFrequency()
    {
        Assert.True(ScenarioParser.TryParse("frequency:meters=0-4:for=2h:hz=48.9", out var scenario, out var error), error);

        Assert.Equal(ScenarioKind.Frequency, scenario.Kind);
        Assert.Equal(48.9, scenario.Hertz);
    }

    [Fact]
    public void TryParse_DriftWithoutTime_StartsAtTheSimulationStartAndNeverEnds()
    {
        Assert.True(ScenarioParser.TryParse("drift:meter=7:ppm=80", out var scenario, out var error), error);

        Assert.Equal(80, scenario.Ppm);
        Assert.Null(scenario.At);
        Assert.Null(scenario.For);
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        Assert.Equal(start, scenario.StartsAt(start));
        Assert.Null(scenario.EndsAt(start));
    }

    [Theory]
    [InlineData("cover-open:meter=5:at=2026-01-02T10:00Z", ScenarioKind.CoverOpen)]
    [InlineData("reverse:meter=MTL00000004:for=1d", ScenarioKind.Reverse)]
    [InlineData("neutral:meters=1-1:for=1h30m", ScenarioKind.Neutral)]
    public void TryParse_OtherKinds_AreRead(string text, ScenarioKind kind)
    {
        Assert.True(ScenarioParser.TryParse(text, out var scenario, out var error), error);
        Assert.Equal(kind, scenario.Kind);
    }

    [Fact]
    public void TryParse_Serial_IsTheIndexFromZero()
    {
        Assert.True(ScenarioParser.TryParse("reverse:meter=MTL00000004", out var scenario, out _));
        Assert.Equal(new MeterRange(3, 3), scenario.Meters);
    }

    [Fact]
    public void TryParse_CombinedDuration_AddsItsParts()
    {
        Assert.True(ScenarioParser.TryParse("neutral:meter=1:for=1d2h3m4s", out var scenario, out _));
        Assert.Equal(new TimeSpan(1, 2, 3, 4), scenario.For);
    }

    [Theory]
    [InlineData("", "1 to 256 characters")]
    [InlineData("earthquake:meter=1", "not a scenario kind")]
    [InlineData("magnet", "exactly one of meter= and meters=")]
    [InlineData("magnet:meter=1:meters=0-3", "exactly one of meter= and meters=")]
    [InlineData("magnet:meter=-1", "is not a fleet index")]
    [InlineData("magnet:meter=abc", "is not a fleet index")]
    [InlineData("magnet:meters=5-2", "FIRST <= LAST")]
    [InlineData("magnet:meter=1:meter=2", "given twice")]
    [InlineData("magnet:meter=1:colour=red", "not a scenario key")]
    [InlineData("silent:meter=1:at=2026-01-02T10:00Z:from=2026-01-02T11:00Z", "'at' (or 'from') is given twice")]
    [InlineData("magnet:meter=1:at=yesterday", "not an ISO 8601 instant")]
    [InlineData("magnet:meter=1:at=2026-01-02", "not an ISO 8601 instant")]
    [InlineData("magnet:meter=1:for=2 hours", "not a duration")]
    [InlineData("magnet:meter=1:for=0m", "more than 0")]
    [InlineData("magnet:meter=1:for=99999d", "at most 3650 days")]
    [InlineData("magnet:meter=1:factor=0.5", "factor= does not apply")]
    [InlineData("sag:meter=1", "needs factor=")]
    [InlineData("frequency:meter=1", "needs hz=")]
    [InlineData("frequency:meter=1:hz=75", "strictly between 40 and 70")]
    [InlineData("sag:meter=1:factor=0.5:hz=49", "hz= does not apply")]
    [InlineData("sag:meter=1:factor=1.2", "strictly between 0 and 1")]
    [InlineData("sag:meter=1:factor=0", "strictly between 0 and 1")]
    [InlineData("sag:meter=1:factor=NaN", "strictly between 0 and 1")]
    [InlineData("drift:meter=1", "needs ppm=")]
    [InlineData("drift:meter=1:ppm=5000", "between -1000 and 1000")]
    [InlineData("drift:meter=1:ppm=0", "must not be 0")]
    [InlineData("magnet:nokey", "is not KEY=VALUE")]
    [InlineData("magnet:meter=1:nokey", "meter '1:nokey' is not a fleet index")]
    public void TryParse_BadInput_IsRefusedWithAClearError(string text, string expected)
    {
        Assert.False(ScenarioParser.TryParse(text, out var scenario, out var error));
        Assert.Null(scenario);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_TooLong_IsRefused() =>
        Assert.False(ScenarioParser.TryParse("magnet:meter=1:for=" + new string('1', 300) + "s", out _, out _));

    [Fact]
    public void CheckFleet_MeterBeyondTheFleet_IsAnError()
    {
        Assert.True(ScenarioParser.TryParse("outage:meters=0-9", out var scenario, out _));

        Assert.Null(ScenarioParser.CheckFleet(scenario, 10));
        Assert.Contains("meter 9 is not in the fleet", ScenarioParser.CheckFleet(scenario, 9), StringComparison.Ordinal);
    }
}
