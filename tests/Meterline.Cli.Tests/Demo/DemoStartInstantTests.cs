using Meterline.Cli.Demo;

namespace Meterline.Cli.Tests.Demo;

/// <summary>Where the demo's simulated clock starts: three minutes before a quarter hour, never before now or where the last run stopped.</summary>
public sealed class DemoStartInstantTests
{
    [Theory]
    [InlineData(null, "2026-03-01T10:04:10Z", "2026-03-01T10:12:00Z")]
    [InlineData(null, "2026-03-01T10:12:00Z", "2026-03-01T10:12:00Z")]
    [InlineData(null, "2026-03-01T10:12:00.001Z", "2026-03-01T10:27:00Z")]
    [InlineData(null, "2026-03-01T10:14:59Z", "2026-03-01T10:27:00Z")]
    [InlineData(null, "2026-03-01T23:58:00Z", "2026-03-02T00:12:00Z")]
    [InlineData("2026-03-01T12:45:54.7Z", "2026-03-01T10:04:10Z", "2026-03-01T12:57:00Z")]
    [InlineData("2026-03-01T09:00:00Z", "2026-03-01T10:04:10Z", "2026-03-01T10:12:00Z")]
    public void StartInstant_SavedAndNow_StartsAtTheNextQuarterLessThreeMinutes(string? saved, string now, string expected)
    {
        var start = DemoSession.StartInstant(saved is null ? null : DateTimeOffset.Parse(saved, System.Globalization.CultureInfo.InvariantCulture), DateTimeOffset.Parse(now, System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), start);
    }
}
