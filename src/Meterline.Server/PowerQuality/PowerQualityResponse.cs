using Meterline.HeadEnd.PowerQuality;

namespace Meterline.Server.PowerQuality;

/// <summary>One meter's (or a feeder's total) power quality over a period, as the API shows it.</summary>
public sealed record PowerQualityResponse(
    string? Serial,
    DateTimeOffset From,
    DateTimeOffset To,
    double NominalVoltage,
    double LowerLimit,
    double UpperLimit,
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
    double MinimumPowerFactorAllowed,
    int OverVoltageEvents,
    int LowVoltageEvents,
    double NominalFrequency,
    double FrequencyLowerLimit,
    double FrequencyUpperLimit,
    int FrequencyReadings,
    int FrequencyExcursions,
    double? MinimumFrequency,
    double? MaximumFrequency)
{
    public static PowerQualityResponse Create(string? serial, PowerQualitySummary s, PowerQualityOptions options)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(options);
        return new PowerQualityResponse(serial, s.From, s.To, options.NominalVoltage, options.LowerLimit, options.UpperLimit, s.Intervals, s.UnderVoltageIntervals,
            s.OverVoltageIntervals, s.NoSupplyIntervals, s.MinutesOutOfBand, s.MinimumVoltage, s.MaximumVoltage, s.AverageVoltage is { } average ? Math.Round(average, 3) : null,
            s.PowerFactorReadings, s.LowPowerFactorReadings, s.MinimumPowerFactor, options.MinimumPowerFactor, s.OverVoltageEvents, s.LowVoltageEvents,
            options.NominalFrequency, options.FrequencyLowerLimit, options.FrequencyUpperLimit, s.FrequencyReadings, s.FrequencyExcursions, s.MinimumFrequency, s.MaximumFrequency);
    }
}
