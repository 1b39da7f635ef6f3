using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Readings;

namespace Meterline.HeadEnd.PowerQuality;

/// <summary>Summarises one meter's power quality from its stored readings and events (sans-I/O).</summary>
public static class PowerQualityAnalyzer
{
    /// <summary>The quantities a summary reads.</summary>
    public static IReadOnlyList<Quantity> Quantities { get; } = [Quantity.BlockAverageVoltage, Quantity.Voltage, Quantity.PowerFactor, Quantity.Frequency];

    public static PowerQualitySummary Summarize(MeterId meter, DateTimeOffset from, DateTimeOffset to, IEnumerable<IntervalReading> readings, IEnumerable<MeterEvent> events, PowerQualityOptions options)
    {
        ArgumentNullException.ThrowIfNull(readings);
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(options);
        int intervals = 0, under = 0, over = 0, noSupply = 0, pfReadings = 0, lowPf = 0, hzReadings = 0, hzExcursions = 0;
        double? min = null, max = null, minPf = null, minHz = null, maxHz = null;
        var sum = 0.0;
        var supplied = 0;
        void Voltage(double v)
        {
            min = min is { } m ? Math.Min(m, v) : v;
            max = max is { } x ? Math.Max(x, v) : v;
        }

        void PowerFactor(double pf)
        {
            pfReadings++;
            lowPf += options.IsLowPowerFactor(pf) ? 1 : 0;
            minPf = minPf is { } m ? Math.Min(m, Math.Abs(pf)) : Math.Abs(pf);
        }

        foreach (var reading in readings.Where(r => r.Meter == meter && r.Time >= from && r.Time < to))
        {
            if (reading.Quantity == Quantity.BlockAverageVoltage)
            {
                intervals++;
                switch (options.Classify(reading.Value))
                {
                    case VoltageBand.NoSupply:
                        noSupply++;
                        continue;
                    case VoltageBand.Under:
                        under++;
                        break;
                    case VoltageBand.Over:
                        over++;
                        break;
                }

                supplied++;
                sum += reading.Value;
                Voltage(reading.Value);
            }
            else if (reading.Quantity == Quantity.Voltage && options.Classify(reading.Value) != VoltageBand.NoSupply)
            {
                Voltage(reading.Value);
            }
            else if (reading.Quantity == Quantity.PowerFactor)
            {
                PowerFactor(reading.Value);
            }
            else if (reading.Quantity == Quantity.Frequency && options.ClassifyFrequency(reading.Value) is var band && band != VoltageBand.NoSupply)
            {
                hzReadings++;
                hzExcursions += band == VoltageBand.Normal ? 0 : 1;
                minHz = minHz is { } m ? Math.Min(m, reading.Value) : reading.Value;
                maxHz = maxHz is { } x ? Math.Max(x, reading.Value) : reading.Value;
            }
        }

        int overEvents = 0, lowEvents = 0;
        foreach (var meterEvent in events.Where(e => e.Meter == meter && e.OccurredAt >= from && e.OccurredAt < to))
        {
            overEvents += meterEvent.Code == PowerQualityEvents.OverVoltage ? 1 : 0;
            lowEvents += meterEvent.Code == PowerQualityEvents.LowVoltage ? 1 : 0;
            foreach (var value in meterEvent.Values)
            {
                if (value.Quantity == Quantity.Voltage && options.Classify(value.Value) != VoltageBand.NoSupply)
                {
                    Voltage(value.Value);
                }
                else if (value.Quantity == Quantity.PowerFactor)
                {
                    PowerFactor(value.Value);
                }
            }
        }

        return new PowerQualitySummary(meter, from, to, intervals, under, over, noSupply, (under + over) * options.BlockPeriod.TotalMinutes, min, max,
            supplied == 0 ? null : sum / supplied, pfReadings, lowPf, minPf, overEvents, lowEvents, hzReadings, hzExcursions, minHz, maxHz);
    }
}
