using System.Globalization;
using Meterline.HeadEnd.Audit;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Readings;

namespace Meterline.HeadEnd.Billing;

/// <summary>
/// Issues a month's bill for a meter: resolves its tariff, reads its billing snapshots and interval data, computes the
/// consumption (<see cref="ConsumptionCalculator"/>) and the charges (<see cref="TariffCalculator"/>), audits
/// <c>bill.issued</c> and stores the bill. An issued bill never changes; issuing the month again with
/// <c>reissue</c> stores a new revision that supersedes it. A register that went down is audited as
/// <c>bill.integrity-error</c> and nothing is billed. Issues are serialised within the node; the store's unique keys
/// stop a second node issuing the same revision.
/// </summary>
public sealed class BillingService : IDisposable
{
    /// <summary>The most interval rows read for one month (31 days of one-minute intervals is 44,640).</summary>
    public const int MaxIntervalRows = 100_000;

    private readonly IMeterRepository _meters;
    private readonly IReadingStore _readings;
    private readonly IBillStore _bills;
    private readonly IAuditLog _audit;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _gate = new(1, 1);

    public BillingService(IMeterRepository meters, IReadingStore readings, IBillStore bills, IAuditLog audit, TariffCatalog tariffs, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(meters);
        ArgumentNullException.ThrowIfNull(readings);
        ArgumentNullException.ThrowIfNull(bills);
        ArgumentNullException.ThrowIfNull(audit);
        ArgumentNullException.ThrowIfNull(tariffs);
        ArgumentNullException.ThrowIfNull(time);
        _meters = meters;
        _readings = readings;
        _bills = bills;
        _audit = audit;
        Tariffs = tariffs;
        _time = time;
    }

    public TariffCatalog Tariffs { get; }

    public async Task<BillIssueResult> IssueAsync(MeterId meterId, BillingMonth month, bool reissue, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(actor);
        var meter = await _meters.GetAsync(meterId, cancellationToken).ConfigureAwait(false);
        if (meter is null)
        {
            return BillIssueResult.Refused(BillIssueOutcome.UnknownMeter, $"No meter has id {meterId}.");
        }

        if (!Tariffs.TryResolve(meter, out var tariff, out var sanctionedLoad))
        {
            return BillIssueResult.Refused(BillIssueOutcome.NoTariff, meter.ConsumerId is null
                ? $"Meter {meter.Serial} has no consumer, so it is not billed."
                : $"Consumer '{meter.ConsumerId}' has no tariff and there is no default tariff.");
        }

        var version = tariff.VersionFor(month);
        if (version is null)
        {
            return BillIssueResult.Refused(BillIssueOutcome.NoTariff, $"Tariff '{tariff.Id}' has no version in force on {month.FirstDay:yyyy-MM-dd}.");
        }

        var zone = tariff.TimeZone;
        var (start, end) = month.Bounds(zone);
        if (end > _time.GetUtcNow())
        {
            return BillIssueResult.Refused(BillIssueOutcome.MonthNotEnded, $"{month} has not ended yet in {tariff.TimeZoneId}.");
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var existing = await _bills.GetLatestAsync(meter.Id, month, cancellationToken).ConfigureAwait(false);
            if (existing is not null && !reissue)
            {
                return new BillIssueResult(BillIssueOutcome.AlreadyIssued, existing, $"{month} of meter {meter.Serial} was billed as {existing.Number}; ask for a re-issue to revise it.");
            }

            var snapshots = await _readings.GetBillingSnapshotsAsync(meter.Id, start - ConsumptionCalculator.SnapshotTolerance, end + ConsumptionCalculator.SnapshotTolerance, cancellationToken).ConfigureAwait(false);
            var intervals = await ReadIntervalsAsync(meter.Id, start, end, version.NetMetering is not null, cancellationToken).ConfigureAwait(false);
            var consumption = ConsumptionCalculator.Compute(month, zone, snapshots, intervals, version.Zones);
            switch (consumption.Problem)
            {
                case ConsumptionProblem.RegisterWentDown:
                    await _audit.AppendAsync(actor, "bill.integrity-error", meter.Serial, new AuditDetail().Add("month", month.ToString()).Add("problem", consumption.ProblemDetail!).ToString(), cancellationToken).ConfigureAwait(false);
                    return BillIssueResult.Refused(BillIssueOutcome.IntegrityError, $"Not billed: {consumption.ProblemDetail}.");
                case ConsumptionProblem.NoData:
                    return BillIssueResult.Refused(BillIssueOutcome.NoData, $"Not billed: {consumption.ProblemDetail}.");
            }

            var priced = consumption.Consumption!;
            if (version.Demand is { } demandCharge)
            {
                priced = priced with { Demand = DemandCalculator.Compute(month, zone, snapshots, intervals, demandCharge.IntegrationMinutes) };
            }

            if (version.NetMetering is { } netMetering)
            {
                // The surplus carried in is what the previous month's latest bill carried out (none when it was not billed).
                var carriedIn = netMetering is { Mode: NetMeteringMode.Net, CarryForward: true }
                    ? (await _bills.GetLatestAsync(meter.Id, month.Previous, cancellationToken).ConfigureAwait(false))?.NetMetering?.CarriedOutKwh ?? 0m
                    : 0m;
                var export = ExportCalculator.Compute(month, zone, snapshots, intervals, version.Zones, consumption, carriedIn, out var exportProblem);
                if (exportProblem is not null)
                {
                    await _audit.AppendAsync(actor, "bill.integrity-error", meter.Serial, new AuditDetail().Add("month", month.ToString()).Add("problem", exportProblem).ToString(), cancellationToken).ConfigureAwait(false);
                    return BillIssueResult.Refused(BillIssueOutcome.IntegrityError, $"Not billed: {exportProblem}.");
                }

                priced = priced with { Export = export };
            }

            var charges = TariffCalculator.Price(version, priced, sanctionedLoad);
            var revision = (existing?.Revision ?? 0) + 1;
            var bill = new Bill(
                Bill.NumberOf(meter.Id, month, revision), revision, meter.Id, meter.Serial, meter.ConsumerId!, month, start, end,
                tariff.Id, tariff.Name, version.Label, tariff.Currency, tariff.TimeZoneId, sanctionedLoad,
                consumption.Consumption!.TotalKwh,
                [.. version.Zones.Where(z => consumption.Consumption.ZoneKwh.ContainsKey(z.Register)).Select(z => new BillZone(z.Name, z.Register, consumption.Consumption.InZone(z.Register)))],
                consumption.Method, consumption.Estimated, consumption.EstimationMethod, consumption.DataShare,
                charges.Lines, charges.EnergyCharge, charges.FixedCharge, charges.Subtotal, charges.Taxes, charges.Total,
                Truncate(_time.GetUtcNow()), actor, existing?.Number)
            {
                DemandCharge = charges.DemandCharge,
                ExportCredit = charges.ExportCredit,
                Demand = charges.Demand,
                NetMetering = charges.NetMetering,
            };

            var detail = new AuditDetail().Add("number", bill.Number).Add("month", month.ToString()).Add("revision", revision)
                .Add("total", bill.Total.ToString(CultureInfo.InvariantCulture)).Add("currency", bill.Currency)
                .Add("consumptionKwh", bill.ConsumptionKwh.ToString(CultureInfo.InvariantCulture)).Add("method", bill.Method.ToString())
                .Add("estimated", bill.Estimated ? "yes" : "no").Add("tariff", $"{tariff.Id}@{version.Label}");
            if (bill.Demand is { } demand)
            {
                detail.Add("maximumDemandKw", demand.RecordedKw.ToString(CultureInfo.InvariantCulture)).Add("billedDemandKw", demand.BilledKw.ToString(CultureInfo.InvariantCulture));
            }

            if (bill.NetMetering is { } exported)
            {
                detail.Add("exportKwh", exported.ExportKwh.ToString(CultureInfo.InvariantCulture)).Add("carriedOutKwh", exported.CarriedOutKwh.ToString(CultureInfo.InvariantCulture));
            }

            if (existing is not null)
            {
                detail.Add("supersedes", existing.Number);
            }

            await _audit.AppendAsync(actor, "bill.issued", meter.Serial, detail.ToString(), cancellationToken).ConfigureAwait(false);
            if (!await _bills.AddAsync(bill, cancellationToken).ConfigureAwait(false))
            {
                var winner = await _bills.GetLatestAsync(meter.Id, month, cancellationToken).ConfigureAwait(false);
                return new BillIssueResult(BillIssueOutcome.AlreadyIssued, winner, $"Another node issued {month} of meter {meter.Serial} at the same time.");
            }

            return new BillIssueResult(BillIssueOutcome.Issued, bill, null);
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    private async Task<List<IntervalReading>> ReadIntervalsAsync(MeterId meter, DateTimeOffset start, DateTimeOffset end, bool export, CancellationToken cancellationToken)
    {
        // Intervals are stamped with their end: the month's are those ending in (start, end]; a microsecond past the
        // end is the first time the store can tell apart from it.
        Quantity[] quantities = export ? [Quantity.BlockImportEnergy, Quantity.BlockExportEnergy] : [Quantity.BlockImportEnergy];
        var rows = new List<IntervalReading>();
        string? token = null;
        do
        {
            var page = await _readings.QueryAsync(new ReadingQuery(meter, start, end.AddTicks(TimeSpan.TicksPerMicrosecond), quantities, ReadingQuery.MaxPageSize, token), cancellationToken).ConfigureAwait(false);
            rows.AddRange(page.Items);
            token = page.NextPageToken;
        }
        while (token is not null && rows.Count < MaxIntervalRows);

        // Never bill part of a month: more rows than any load profile makes is refused, not truncated.
        return token is null ? rows : throw new InvalidDataException($"Meter {meter} has more than {MaxIntervalRows} intervals between {start:O} and {end:O}.");
    }

    private static DateTimeOffset Truncate(DateTimeOffset time) =>
        new(time.UtcTicks - (time.UtcTicks % TimeSpan.TicksPerMicrosecond), TimeSpan.Zero);
}
