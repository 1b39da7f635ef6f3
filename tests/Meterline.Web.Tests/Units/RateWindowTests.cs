using Meterline.Web.Overview;

namespace Meterline.Web.Tests.Units;

public sealed class RateWindowTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void PerSecond_OneSample_Zero()
    {
        var window = new RateWindow(TimeSpan.FromSeconds(30), 10);
        window.Add(T0, 100);
        Assert.Equal(0, window.PerSecond);
    }

    [Fact]
    public void PerSecond_BurstsWithinTheSpan_AveragedOverTheWindow()
    {
        var window = new RateWindow(TimeSpan.FromSeconds(30), 10);
        window.Add(T0, 0);
        window.Add(T0.AddSeconds(2), 0);
        window.Add(T0.AddSeconds(4), 40);
        window.Add(T0.AddSeconds(10), 40);
        Assert.Equal(4, window.PerSecond, 6);
    }

    [Fact]
    public void PerSecond_SamplesOlderThanTheSpan_Forgotten()
    {
        var window = new RateWindow(TimeSpan.FromSeconds(10), 10);
        window.Add(T0, 0);
        window.Add(T0.AddSeconds(5), 1_000);
        window.Add(T0.AddSeconds(20), 1_000);
        window.Add(T0.AddSeconds(25), 1_050);
        Assert.Equal(10, window.PerSecond, 6);
    }
}
