using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.PowerQuality;

/// <summary>
/// One meter's power quality over [<see cref="From"/>, <see cref="To"/>): the block intervals (average voltage,
/// 1.0.12.27.0.255) in and out of band, the voltages the meter captured (instantaneous and with its events), the
/// power factor readings, the supply frequency readings, and its own voltage events (IS 15959 7/8 over voltage, 9/10 low voltage).
/// </summary>
/// <param name="Meter">The meter.</param>
/// <param name="From">The period's start.</param>
/// <param name="To">The period's end (exclusive).</param>
/// <param name="Intervals">Block intervals with an average voltage.</param>
/// <param name="UnderVoltageIntervals">Intervals below the band (and above the no-supply level).</param>
/// <param name="OverVoltageIntervals">Intervals above the band.</param>
/// <param name="NoSupplyIntervals">Intervals below the no-supply level (outages: not counted as quality).</param>
/// <param name="MinutesOutOfBand">Under and over intervals times the block period.</param>
/// <param name="MinimumVoltage">The lowest supplied voltage (block averages and captured values), V.</param>
/// <param name="MaximumVoltage">The highest, V.</param>
/// <param name="AverageVoltage">The mean of the supplied block averages, V.</param>
/// <param name="PowerFactorReadings">Power factor values the meter reported.</param>
/// <param name="LowPowerFactorReadings">Those with a magnitude below the minimum.</param>
/// <param name="MinimumPowerFactor">The lowest magnitude.</param>
/// <param name="OverVoltageEvents">The meter's over-voltage occurrences (event 7).</param>
/// <param name="LowVoltageEvents">The meter's low-voltage occurrences (event 9).</param>
/// <param name="FrequencyReadings">Supply frequency readings (1.0.14.7.0.255, read on schedule; 0 Hz ones are no supply, not counted).</param>
/// <param name="FrequencyExcursions">Those outside the frequency band.</param>
/// <param name="MinimumFrequency">The lowest, Hz.</param>
/// <param name="MaximumFrequency">The highest, Hz.</param>
public sealed record PowerQualitySummary(
    MeterId Meter,
    DateTimeOffset From,
    DateTimeOffset To,
    int Intervals,
    int UnderVoltageIntervals,
    int OverVoltageIntervals,
    int NoSupplyIntervals,
    double MinutesOutOfBand,
    double? MinimumVoltage,
    double? MaximumVoltage,
    double? AverageVoltage,
    int PowerFactorReadings,
    int LowPowerFactorReadings,
    double? MinimumPowerFactor,
    int OverVoltageEvents,
    int LowVoltageEvents,
    int FrequencyReadings = 0,
    int FrequencyExcursions = 0,
    double? MinimumFrequency = null,
    double? MaximumFrequency = null)
{
    /// <summary>True when any interval was out of band, any power factor low, any frequency out of band, or the meter logged a voltage event.</summary>
    public bool HasExcursions => UnderVoltageIntervals + OverVoltageIntervals + LowPowerFactorReadings + OverVoltageEvents + LowVoltageEvents + FrequencyExcursions > 0;
}
