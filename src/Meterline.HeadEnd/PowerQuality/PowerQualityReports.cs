using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Readings;

namespace Meterline.HeadEnd.PowerQuality;

/// <summary>Power quality summaries per meter and per feeder, read from the store.</summary>
public sealed class PowerQualityReports(IReadingStore readings, IMeterRepository meters, PowerQualityOptions? options = null)
{
    /// <summary>The longest period one summary covers.</summary>
    public static readonly TimeSpan MaxSpan = TimeSpan.FromDays(31);

    /// <summary>The most meters a feeder's summary reads.</summary>
    public const int MaxFeederMeters = 10_000;

    /// <summary>The most rows read per meter (31 days of 15-minute blocks of the voltage and power factor, and frequency read every 15 minutes, is under 12,000).</summary>
    public const int MaxReadingsPerMeter = 50_000;

    private readonly PowerQualityOptions _options = options ?? new PowerQualityOptions();

    public PowerQualityOptions Options => _options;

    public async Task<PowerQualitySummary> MeterAsync(MeterId meter, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        CheckSpan(from, to);
        var found = await ReadAsync(readings, meter, from, to, cancellationToken).ConfigureAwait(false);
        var events = await readings.GetEventsAsync(meter, from, to, 10_000, cancellationToken).ConfigureAwait(false);
        return PowerQualityAnalyzer.Summarize(meter, from, to, found, events, _options);
    }

    public async Task<FeederPowerQuality> FeederAsync(string feederId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(feederId);
        CheckSpan(from, to);
        var served = new List<Meter>();
        string? token = null;
        do
        {
            var page = await meters.ListAsync(new MeterFilter(FeederId: feederId), 1_000, token, cancellationToken).ConfigureAwait(false);
            served.AddRange(page.Items);
            token = page.NextPageToken;
        }
        while (token is not null && served.Count < MaxFeederMeters);

        var lines = new List<MeterPowerQuality>(served.Count);
        foreach (var meter in served.Take(MaxFeederMeters))
        {
            lines.Add(new MeterPowerQuality(meter.Serial, await MeterAsync(meter.Id, from, to, cancellationToken).ConfigureAwait(false)));
        }

        var all = lines.Select(l => l.Summary).ToList();
        var suppliedIntervals = all.Sum(s => s.Intervals - s.NoSupplyIntervals);
        var total = new PowerQualitySummary(
            default, from, to, all.Sum(s => s.Intervals), all.Sum(s => s.UnderVoltageIntervals), all.Sum(s => s.OverVoltageIntervals), all.Sum(s => s.NoSupplyIntervals),
            all.Sum(s => s.MinutesOutOfBand), all.Min(s => s.MinimumVoltage), all.Max(s => s.MaximumVoltage),
            suppliedIntervals == 0 ? null : all.Where(s => s.AverageVoltage is not null).Sum(s => s.AverageVoltage!.Value * (s.Intervals - s.NoSupplyIntervals)) / suppliedIntervals,
            all.Sum(s => s.PowerFactorReadings), all.Sum(s => s.LowPowerFactorReadings), all.Min(s => s.MinimumPowerFactor), all.Sum(s => s.OverVoltageEvents), all.Sum(s => s.LowVoltageEvents),
            all.Sum(s => s.FrequencyReadings), all.Sum(s => s.FrequencyExcursions), all.Min(s => s.MinimumFrequency), all.Max(s => s.MaximumFrequency));
        var ranked = lines.OrderByDescending(l => l.Summary.MinutesOutOfBand).ThenByDescending(l => l.Summary.LowPowerFactorReadings).ThenBy(l => l.Serial, StringComparer.Ordinal).ToList();
        return new FeederPowerQuality(feederId, from, to, served.Count, all.Count(s => s.Intervals > 0), all.Count(s => s.HasExcursions), total, ranked);
    }

    /// <summary>A meter's readings of the power quality quantities in [from, to), page by page, at most <see cref="MaxReadingsPerMeter"/>.</summary>
    public static async Task<List<IntervalReading>> ReadAsync(IReadingStore readings, MeterId meter, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(readings);
        var found = new List<IntervalReading>();
        string? token = null;
        do
        {
            var page = await readings.QueryAsync(new ReadingQuery(meter, from, to, PowerQualityAnalyzer.Quantities, ReadingQuery.MaxPageSize, token), cancellationToken).ConfigureAwait(false);
            found.AddRange(page.Items);
            token = page.NextPageToken;
        }
        while (token is not null && found.Count < MaxReadingsPerMeter);
        return found;
    }

    private static void CheckSpan(DateTimeOffset from, DateTimeOffset to)
    {
        if (to <= from || to - from > MaxSpan)
        {
            throw new ArgumentException($"The period runs forward, at most {MaxSpan.TotalDays} days.", nameof(to));
        }
    }
}
