using Meterline.HeadEnd.Analytics.Rules;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Readings;

namespace Meterline.HeadEnd.Analytics.Balance;

/// <summary>
/// Loads what a transformer's balance needs — its meter (<see cref="ITransformerMeterStore"/>), its consumers (the other
/// meters registered under it), their block import over the span and their open alerts — and runs the
/// <see cref="EnergyBalanceCalculator"/>. Bounded: at most <see cref="MaxSpan"/> and <see cref="MaxConsumers"/>; the
/// suspects' fit as <see cref="EnergyBalanceOptions"/> says. <see cref="FindingsAsync"/> is the analytics' periodic use.
/// </summary>
public sealed class EnergyBalanceService(IMeterRepository meters, IReadingStore readings, ITransformerMeterStore transformers, IAlertStore alerts, EnergyBalanceOptions? options = null)
{
    private readonly EnergyBalanceOptions _options = options ?? new EnergyBalanceOptions();

    public static readonly TimeSpan MaxSpan = TimeSpan.FromDays(31);

    public const int MaxConsumers = 2_000;

    private static readonly string[] SuspectCategories = [AlertCategory.Theft, AlertCategory.Tamper, AlertCategory.Integrity];

    /// <summary>The balance over [from, to), or null when no meter is set for the transformer.</summary>
    public async Task<EnergyBalance?> CalculateAsync(string transformerId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(transformerId);
        if (to <= from || to - from > MaxSpan)
        {
            throw new ArgumentException($"A balance spans more than nothing and at most {MaxSpan.TotalDays} days.", nameof(to));
        }

        if (await transformers.GetTransformerMeterAsync(transformerId, cancellationToken).ConfigureAwait(false) is not { } transformerMeter)
        {
            return null;
        }

        var consumers = new List<MeterId>();
        string? token = null;
        do
        {
            var page = await meters.ListAsync(new MeterFilter(TransformerId: transformerId), 1_000, token, cancellationToken).ConfigureAwait(false);
            consumers.AddRange(page.Items.Select(m => m.Id).Where(id => id != transformerMeter));
            token = page.NextPageToken;
            if (consumers.Count > MaxConsumers)
            {
                throw new InvalidOperationException($"Transformer {transformerId} has more than {MaxConsumers} consumer meters; the balance is computed for at most that many.");
            }
        }
        while (token is not null);

        var series = new Dictionary<MeterId, IReadOnlyList<SeriesPoint>>(consumers.Count);
        var open = new Dictionary<MeterId, int>();
        foreach (var consumer in consumers)
        {
            series[consumer] = await ImportAsync(consumer, from, to, cancellationToken).ConfigureAwait(false);
            var opened = await alerts.ListAsync(new AlertFilter(AlertState.Open, consumer), null, 100, cancellationToken).ConfigureAwait(false);
            var acknowledged = await alerts.ListAsync(new AlertFilter(AlertState.Acknowledged, consumer), null, 100, cancellationToken).ConfigureAwait(false);
            open[consumer] = opened.Concat(acknowledged).Count(a => SuspectCategories.Contains(a.Category));
        }

        var feeder = await ImportAsync(transformerMeter, from, to, cancellationToken).ConfigureAwait(false);
        return EnergyBalanceCalculator.Calculate(transformerId, transformerMeter, feeder, series, open, _options);
    }

    /// <summary>
    /// The <c>energy-balance</c> findings of every transformer with a meter (at most
    /// <see cref="EnergyBalanceOptions.MaxTransformers"/>), each over the <see cref="EnergyBalanceOptions.Window"/> that
    /// ends at its meter's newest interval in <paramref name="latest"/>. A transformer whose balance cannot be computed
    /// (too many consumers) is skipped and counted in <paramref name="failures"/>.
    /// </summary>
    public async Task<IReadOnlyList<Finding>> FindingsAsync(IReadOnlyDictionary<MeterId, DateTimeOffset> latest, Action<Exception>? failures = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(latest);
        var ids = new SortedSet<string>(StringComparer.Ordinal);
        string? token = null;
        do
        {
            var page = await meters.ListAsync(new MeterFilter(), 1_000, token, cancellationToken).ConfigureAwait(false);
            ids.UnionWith(page.Items.Select(m => m.TransformerId).OfType<string>().Where(t => t.Length > 0));
            token = page.NextPageToken;
        }
        while (token is not null && ids.Count < _options.MaxTransformers);

        var findings = new List<Finding>();
        foreach (var id in ids.Take(_options.MaxTransformers))
        {
            try
            {
                if (await transformers.GetTransformerMeterAsync(id, cancellationToken).ConfigureAwait(false) is not { } meter || !latest.TryGetValue(meter, out var newest))
                {
                    continue;
                }

                // Interval times are their ends; [from, to) includes the newest. One window: the search localises each
                // hidden span inside it, so a tap that began or ended within the window is not diluted.
                var to = newest + TimeSpan.FromSeconds(1);
                if (await CalculateAsync(id, to - _options.Window, to, cancellationToken).ConfigureAwait(false) is { } balance)
                {
                    findings.AddRange(EnergyBalanceRule.Evaluate(balance, _options));
                }
            }
            catch (InvalidOperationException e)
            {
                failures?.Invoke(e);
            }
        }

        return findings;
    }

    private async Task<IReadOnlyList<SeriesPoint>> ImportAsync(MeterId meter, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var points = new List<SeriesPoint>();
        string? token = null;
        do
        {
            var page = await readings.QueryAsync(new ReadingQuery(meter, from, to, [Quantity.BlockImportEnergy], ReadingQuery.MaxPageSize, token), cancellationToken).ConfigureAwait(false);
            points.AddRange(page.Items.Select(r => new SeriesPoint(r.Time, r.Value)));
            token = page.NextPageToken;
        }
        while (token is not null);

        return points;
    }
}
