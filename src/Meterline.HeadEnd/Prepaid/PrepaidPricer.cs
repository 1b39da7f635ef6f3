using Meterline.HeadEnd.Billing;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Readings;

namespace Meterline.HeadEnd.Prepaid;

/// <summary>
/// Prices a prepaid consumer's months to date (docs/prepaid.md "Deduction"): each meter's month as its bill prices it
/// — from the billing snapshots once the month has ended and they measure it, else from the month's intervals so far
/// (<see cref="MonthToDateConsumption"/>, <see cref="TariffCalculator.PriceMonthToDate"/>).
/// </summary>
internal sealed class PrepaidPricer(IReadingStore readings, TariffCatalog tariffs)
{
    /// <summary>The month span a meter's month is priced over (its tariff's zone), or null when it has no tariff for the month.</summary>
    public (DateTimeOffset Start, DateTimeOffset End)? SpanOf(Meter meter, BillingMonth month) =>
        tariffs.TryResolve(meter, out var tariff, out _) && tariff.VersionFor(month) is not null ? month.Bounds(tariff.TimeZone) : null;

    /// <summary>Reads the months of the meters that have a tariff for them into <paramref name="ahead"/> (grouped reads).</summary>
    public Task ReadAheadAsync(PrepaidReadAhead ahead, IEnumerable<Meter> meters, IReadOnlyCollection<BillingMonth> months, DateTimeOffset now, CancellationToken cancellationToken) =>
        ahead.AddAsync(readings, Spans(meters, months), now, cancellationToken);

    /// <summary>Reads the months of several consumers' meters into <paramref name="ahead"/>, grouped across them.</summary>
    public Task ReadAheadAsync(PrepaidReadAhead ahead, IEnumerable<(Meter Meter, IReadOnlyCollection<BillingMonth> Months)> wanted, DateTimeOffset now, CancellationToken cancellationToken) =>
        ahead.AddAsync(readings, wanted.SelectMany(w => Spans([w.Meter], w.Months)), now, cancellationToken);

    private IEnumerable<(MeterId, DateTimeOffset, DateTimeOffset)> Spans(IEnumerable<Meter> meters, IReadOnlyCollection<BillingMonth> months) =>
        meters.SelectMany(m => months.Select(month => (Meter: m, Span: SpanOf(m, month))))
            .Where(w => w.Span is not null).Select(w => (w.Meter.Id, w.Span!.Value.Start, w.Span.Value.End));

    /// <summary>
    /// A meter's running charge of a month, priced as its bill would be (0 before the month has data); its intervals and
    /// snapshots from <paramref name="ahead"/> when read ahead there, else from the store.
    /// </summary>
    public async Task<decimal> ChargeAsync(PrepaidAccount account, Meter meter, BillingMonth month, DateTimeOffset now, PrepaidReadAhead ahead, CancellationToken cancellationToken)
    {
        if (!tariffs.TryResolve(meter, out var tariff, out var load) || tariff.VersionFor(month) is not { } version)
        {
            return 0m;
        }

        if (!string.Equals(tariff.Currency, account.Currency, StringComparison.Ordinal))
        {
            throw new InvalidDataException($"Meter {meter.Serial} is priced in {tariff.Currency}, the prepaid account of '{account.ConsumerId}' is in {account.Currency}.");
        }

        var zone = tariff.TimeZone;
        var (start, end) = month.Bounds(zone);
        var intervals = ahead.TryGetIntervals(meter.Id, start, end, out var read)
            ? WithinCap(read, meter.Id, start, end)
            : await ReadIntervalsAsync(meter.Id, start, end, cancellationToken).ConfigureAwait(false);
        Consumption? consumption = null;
        if (now >= end)
        {
            // The month has ended: priced from what its bill is made from when that is measured, not estimated.
            var snapshots = ahead.TryGetSnapshots(meter.Id, start, end, out var known)
                ? known
                : await readings.GetBillingSnapshotsAsync(meter.Id, start - ConsumptionCalculator.SnapshotTolerance, end + ConsumptionCalculator.SnapshotTolerance, cancellationToken).ConfigureAwait(false);
            var whole = ConsumptionCalculator.Compute(month, zone, snapshots, intervals, version.Zones);
            if (whole is { Problem: ConsumptionProblem.None, Estimated: false, Consumption: { } measured })
            {
                consumption = measured;
            }
        }

        if (consumption is null)
        {
            var toDate = MonthToDateConsumption.Compute(month, zone, intervals, version.Zones);
            if (toDate.Intervals == 0)
            {
                return 0m;
            }

            consumption = toDate.Consumption;
        }

        return TariffCalculator.PriceMonthToDate(version, consumption, load).Total;
    }


    private static IReadOnlyList<IntervalReading> WithinCap(IReadOnlyList<IntervalReading> intervals, MeterId meter, DateTimeOffset start, DateTimeOffset end) =>
        intervals.Count <= BillingService.MaxIntervalRows ? intervals : throw new InvalidDataException($"Meter {meter} has more than {BillingService.MaxIntervalRows} intervals between {start:O} and {end:O}.");

    private async Task<IReadOnlyList<IntervalReading>> ReadIntervalsAsync(MeterId meter, DateTimeOffset start, DateTimeOffset end, CancellationToken cancellationToken)
    {
        // As the bill reads them: intervals ending in (start, end]; a microsecond past the end is the first time the store tells apart.
        var rows = new List<IntervalReading>();
        string? token = null;
        do
        {
            var page = await readings.QueryAsync(new ReadingQuery(meter, start, end.AddTicks(TimeSpan.TicksPerMicrosecond), [Quantity.BlockImportEnergy], ReadingQuery.MaxPageSize, token), cancellationToken).ConfigureAwait(false);
            rows.AddRange(page.Items);
            token = page.NextPageToken;
        }
        while (token is not null && rows.Count < BillingService.MaxIntervalRows);

        return token is null ? rows : throw new InvalidDataException($"Meter {meter} has more than {BillingService.MaxIntervalRows} intervals between {start:O} and {end:O}.");
    }


    /// <summary>The consumer's tariff (its assignment, else the default), or null when it has none.</summary>
    public Tariff? TariffOf(string consumerId)
    {
        var assignment = tariffs.Assignments.FirstOrDefault(a => string.Equals(a.ConsumerId, consumerId, StringComparison.Ordinal));
        var id = assignment?.TariffId ?? tariffs.DefaultTariffId;
        return id is null ? null : tariffs.Find(id);
    }


    /// <summary>The billing month of an instant in a time zone.</summary>
    public static BillingMonth MonthOf(DateTimeOffset instant, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(instant, zone);
        return new BillingMonth(local.Year, local.Month);
    }
}
