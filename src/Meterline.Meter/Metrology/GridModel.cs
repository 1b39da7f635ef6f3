namespace Meterline.Meter.Metrology;

/// <summary>
/// The low-voltage supply at a meter, seeded and a pure function of (seed, time): voltage around 230 V with a daily
/// shape (high at night, low in the evening peak, about ±2.5 %), a slow wander between hourly random knots (±1.5 %)
/// and per-minute noise (±0.4 %), so it stays within ±5 % of nominal; frequency 50 Hz with a wander between
/// ten-minute knots (±0.03 Hz) and per-minute noise (±0.008 Hz), clamped to 49.9–50.1 Hz. Values are constant
/// within a minute. An imposed <see cref="GridCondition"/> scales the voltage or removes the supply.
/// </summary>
public sealed class GridModel
{
    /// <summary>Nominal voltage, V (IS 13779 reference voltage for single-phase meters).</summary>
    public const double NominalVoltage = 230;

    /// <summary>Nominal frequency, Hz.</summary>
    public const double NominalFrequency = 50;

    private const ulong VoltageKnots = 0x0011_7A6E_0000_0001UL;
    private const ulong VoltageNoise = 0x0011_7A6E_0000_0002UL;
    private const ulong FrequencyKnots = 0x0F4E_0000_0000_0003UL;
    private const ulong FrequencyNoise = 0x0F4E_0000_0000_0004UL;

    private readonly ulong _seed;

    /// <param name="seed">Seeds the wander and noise (a feeder: meters given the same seed see the same supply).</param>
    public GridModel(int seed)
    {
        Seed = seed;
        _seed = (ulong)seed;
    }

    /// <summary>The seed.</summary>
    public int Seed { get; }

    /// <summary>The supply at <paramref name="localTime"/> under <paramref name="condition"/>.</summary>
    public GridSample Sample(DateTimeOffset localTime, GridCondition condition = default)
    {
        if (condition.Kind == GridConditionKind.Outage)
        {
            return default;
        }

        var minute = localTime.UtcTicks / TimeSpan.TicksPerMinute;
        var hour = localTime.TimeOfDay.TotalHours;
        var daily = (0.02 * Math.Cos(2 * Math.PI * (hour - 4) / 24)) - (0.015 * Math.Exp(-((hour - 20) / 2) * ((hour - 20) / 2)));
        var wander = 0.015 * ValueNoise(minute, 60, VoltageKnots);
        var noise = 0.004 * SimulationRandom.ToSigned(SimulationRandom.Hash(_seed, (ulong)minute, VoltageNoise));
        var voltage = NominalVoltage * (1 + daily + wander + noise) * condition.VoltageFactor;

        var frequency = NominalFrequency + (0.03 * ValueNoise(minute, 10, FrequencyKnots))
            + (0.008 * SimulationRandom.ToSigned(SimulationRandom.Hash(_seed, (ulong)minute, FrequencyNoise)));
        return new GridSample(voltage, Math.Clamp(frequency, NominalFrequency - 0.1, NominalFrequency + 0.1));
    }

    /// <summary>Smooth noise in [−1, 1]: random knots every <paramref name="knotMinutes"/>, smoothstep in between.</summary>
    private double ValueNoise(long minute, int knotMinutes, ulong stream)
    {
        var knot = Math.DivRem(minute, knotMinutes, out var within);
        if (within < 0)
        {
            knot--;
            within += knotMinutes;
        }

        var a = SimulationRandom.ToSigned(SimulationRandom.Hash(_seed, (ulong)knot, stream));
        var b = SimulationRandom.ToSigned(SimulationRandom.Hash(_seed, (ulong)(knot + 1), stream));
        var t = (double)within / knotMinutes;
        t = t * t * (3 - (2 * t));
        return a + ((b - a) * t);
    }
}
