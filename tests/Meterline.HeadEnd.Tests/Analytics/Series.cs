using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Readings;

namespace Meterline.HeadEnd.Tests.Analytics;

/// <summary>Synthetic interval series for the rule tests: 15-minute blocks from <see cref="T0"/>, with seeded noise.</summary>
internal static class Series
{
    public static readonly DateTimeOffset T0 = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

    public static readonly TimeSpan Block = TimeSpan.FromMinutes(15);

    public static readonly MeterId Meter = new(7);

    public static DateTimeOffset At(int block) => T0 + (Block * block);

    /// <summary>One reading per block of <paramref name="quantity"/> with the value <paramref name="value"/>(block index).</summary>
    public static IEnumerable<IntervalReading> Of(Quantity quantity, int blocks, Func<int, double> value, int first = 0) =>
        Enumerable.Range(first, blocks).Select(i => new IntervalReading(Meter, At(i), quantity, value(i), ReadingQuality.Authenticated));

    /// <summary>A value around <paramref name="mean"/> with ±<paramref name="spread"/> noise, the same for the same (seed, i).</summary>
    public static double Noisy(double mean, double spread, int i, int seed = 1)
    {
        // A deterministic pseudo-random fraction (no generator: the series must be the same on every run).
        var x = Math.Sin((i * 12.9898) + (seed * 78.233)) * 43758.5453;
        var fraction = x - Math.Floor(x);
        return mean + (((fraction * 2) - 1) * spread);
    }

    public static MeterEvent Event(int code, DateTimeOffset at, params RegisterValue[] values) => new(Meter, at, code, values, at);
}
