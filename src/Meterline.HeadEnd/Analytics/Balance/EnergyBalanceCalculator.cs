using Meterline.HeadEnd.Analytics.Rules;
using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.Analytics.Balance;

/// <summary>
/// The energy balance of one transformer (sans-I/O): per interval, loss = E_transformer − Σ E_consumer, counted only
/// when the transformer's meter and every consumer reported that interval; percentages of the transformer's energy.
/// Suspects are fitted by <see cref="HiddenShareRegression"/> (non-negative least squares of the loss on every
/// consumer's registered energy, beside a technical loss proportional to the total): a meter that hides a share s of
/// its load adds s / (1 − s) of its own series to the loss. They are ranked by <c>hidden share · confidence + 0.5 ·
/// [open alerts]</c>; without a fit (too few complete intervals, too many consumers) by <c>max(0, r) + 0.5 · [open
/// alerts]</c>, r being Pearson's correlation between the loss and the consumer's deficit (its median over the span
/// minus its value), which still finds a meter whose registered energy drops while the loss rises.
/// </summary>
public static class EnergyBalanceCalculator
{
    public const int MinimumPointsForCorrelation = 4;

    public const double AlertWeight = 0.5;

    public static EnergyBalance Calculate(
        string transformerId,
        MeterId transformerMeter,
        IReadOnlyList<SeriesPoint> transformer,
        IReadOnlyDictionary<MeterId, IReadOnlyList<SeriesPoint>> consumers,
        IReadOnlyDictionary<MeterId, int>? openAlerts = null,
        EnergyBalanceOptions? options = null)
    {
        options ??= new EnergyBalanceOptions();
        ArgumentNullException.ThrowIfNull(transformer);
        ArgumentNullException.ThrowIfNull(consumers);
        var ids = consumers.Keys.Where(m => m != transformerMeter).Order().ToList();
        var byMeter = ids.ToDictionary(m => m, m => consumers[m].GroupBy(p => p.Time).ToDictionary(g => g.Key, g => g.First().Value));
        var feeder = transformer.GroupBy(p => p.Time).ToDictionary(g => g.Key, g => g.First().Value);
        var times = new SortedSet<DateTimeOffset>(feeder.Keys);
        foreach (var series in byMeter.Values)
        {
            times.UnionWith(series.Keys);
        }

        var intervals = new List<BalanceInterval>(times.Count);
        foreach (var time in times)
        {
            var sum = 0.0;
            var missing = new List<MeterId>();
            foreach (var id in ids)
            {
                if (byMeter[id].TryGetValue(time, out var value))
                {
                    sum += value;
                }
                else
                {
                    missing.Add(id);
                }
            }

            double? total = feeder.TryGetValue(time, out var f) ? f : null;
            double? loss = total is { } t && missing.Count == 0 ? t - sum : null;
            double? percent = loss is { } l && total is > 0 ? 100 * l / total.Value : null;
            intervals.Add(new BalanceInterval(time, total, sum, ids.Count - missing.Count, missing, loss, percent));
        }

        var days = intervals.GroupBy(i => Day(i.Time)).Select(g => Sum(g.Key, g.Key.AddDays(1), [.. g])).ToList();
        var from = intervals.Count == 0 ? DateTimeOffset.UnixEpoch : intervals[0].Time;
        var to = intervals.Count == 0 ? DateTimeOffset.UnixEpoch : intervals[^1].Time;
        var suspects = Rank(intervals, ids, byMeter, openAlerts, options, out var technical);
        var complete = intervals.Where(i => i.IsComplete).ToList();
        var spans = ids.Count <= options.MaxFittedConsumers
            ? HiddenSpanSearch.Find([.. complete.Select(i => i.Loss!.Value)], [.. ids.Select(id => complete.Select(i => byMeter[id][i.Time]).ToArray())], options, [.. complete.Select(i => i.Time)])
            : [];
        return new EnergyBalance(transformerId, transformerMeter, ids, intervals, days, Sum(from, to, intervals), suspects, technical, spans);
    }

    /// <summary>Pearson's r, or null with fewer than <see cref="MinimumPointsForCorrelation"/> points or a constant series.</summary>
    public static double? Correlation(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.Count != y.Count || x.Count < MinimumPointsForCorrelation)
        {
            return null;
        }

        var (mx, my) = (x.Average(), y.Average());
        double sxy = 0, sxx = 0, syy = 0;
        for (var i = 0; i < x.Count; i++)
        {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }

        return sxx <= 1e-12 || syy <= 1e-12 ? null : sxy / Math.Sqrt(sxx * syy);
    }

    private static List<SuspectMeter> Rank(
        List<BalanceInterval> intervals,
        List<MeterId> ids,
        Dictionary<MeterId, Dictionary<DateTimeOffset, double>> byMeter,
        IReadOnlyDictionary<MeterId, int>? openAlerts,
        EnergyBalanceOptions options,
        out double? technicalLossFactor)
    {
        var complete = intervals.Where(i => i.IsComplete).ToList();
        var loss = complete.Select(i => i.Loss!.Value).ToList();
        var series = ids.Select(id => complete.Select(i => byMeter[id][i.Time]).ToArray()).ToList();
        var fit = ids.Count is > 0 && ids.Count <= options.MaxFittedConsumers
            ? HiddenShareRegression.Fit(loss, series, Math.Max(options.MinCompleteIntervals, options.MinIntervalsPerConsumer * ids.Count), options.MaxExplained)
            : null;
        technicalLossFactor = fit?.TechnicalLossFactor;
        var suspects = new List<SuspectMeter>(ids.Count);
        for (var j = 0; j < ids.Count; j++)
        {
            var id = ids[j];
            var values = series[j];
            var median = values.Length == 0 ? 0 : Median([.. values]);
            var deficit = values.Select(v => median - v).ToList();
            var r = Correlation(loss, deficit);
            var alerts = openAlerts is not null && openAlerts.TryGetValue(id, out var n) ? n : 0;
            var suspect = fit is null
                ? new SuspectMeter(id, 0, r, deficit.Where(d => d > 0).Sum(), alerts)
                : new SuspectMeter(id, 0, r, deficit.Where(d => d > 0).Sum(), alerts,
                    fit.Coefficients[j] / (1 + fit.Coefficients[j]), fit.Coefficients[j], fit.Coefficients[j] * values.Sum(), fit.Explained[j]);
            suspects.Add(suspect with { Score = suspect.Evidence + (alerts > 0 ? AlertWeight : 0) });
        }

        suspects.Sort((a, b) => b.Score != a.Score ? b.Score.CompareTo(a.Score) : a.Meter.CompareTo(b.Meter));
        return suspects;
    }

    private static BalanceTotal Sum(DateTimeOffset from, DateTimeOffset to, IReadOnlyList<BalanceInterval> intervals)
    {
        double transformer = 0, consumers = 0, loss = 0;
        var complete = 0;
        foreach (var interval in intervals.Where(i => i.IsComplete))
        {
            transformer += interval.TransformerEnergy!.Value;
            consumers += interval.ConsumersEnergy;
            loss += interval.Loss!.Value;
            complete++;
        }

        return new BalanceTotal(from, to, transformer, consumers, loss, transformer > 0 ? 100 * loss / transformer : null, complete, intervals.Count - complete);
    }

    /// <summary>The UTC day an interval belongs to; an interval ending at midnight closes the day before.</summary>
    private static DateTimeOffset Day(DateTimeOffset intervalEnd)
    {
        var start = intervalEnd.UtcDateTime.AddTicks(-1);
        return new DateTimeOffset(start.Date, TimeSpan.Zero);
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        var middle = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
