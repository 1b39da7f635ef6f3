using System.Globalization;
using Meterline.HeadEnd.Billing;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Prepaid;
using Meterline.HeadEnd.Readings;
using Meterline.Web.Shell;

namespace Meterline.Web.Portal;

/// <summary>
/// What the consumer portal reads and does, always for one consumer id: their meters, a meter's usage and cost so far,
/// its bills, a bill by number, their prepaid account and a top-up. A meter, bill or account of another consumer is
/// answered exactly as one that does not exist (null), so that the caller shows "not found" and a consumer learns
/// nothing about others. Used by the portal's pages and its API.
/// </summary>
public sealed class ConsumerPortal(
    IMeterRepository meters,
    IReadingStore readings,
    IBillStore bills,
    UtilityClock clock,
    PortalOptions options,
    BillingService? billing = null,
    PrepaidService? prepaid = null)
{
    /// <summary>Most meters one consumer has in the portal.</summary>
    public const int MaxMeters = 50;

    /// <summary>Days in the daily chart.</summary>
    public const int ChartDays = 30;

    /// <summary>Months in the monthly chart.</summary>
    public const int ChartMonths = 12;

    private const int MeterPage = 200;

    private static readonly TimeSpan[] LatestSearch = [TimeSpan.FromDays(2), TimeSpan.FromDays(35), ReadingQuery.MaxSpan];

    /// <summary>Most interval rows read for one chart or price (a year of 15-minute intervals, with room).</summary>
    private const int MaxRows = 40_000;

    public PortalOptions Options { get; } = options;

    /// <summary>Whether this node keeps prepaid accounts at all.</summary>
    public bool HasPrepaid => prepaid is not null;

    /// <summary>The consumer's meters in id order (at most <see cref="MaxMeters"/>).</summary>
    public async Task<IReadOnlyList<Meter>> MetersAsync(string consumerId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(consumerId);
        var found = new List<Meter>();
        string? token = null;
        do
        {
            var page = await meters.ListAsync(new MeterFilter(Search: consumerId), MeterPage, token, cancellationToken).ConfigureAwait(false);
            found.AddRange(page.Items.Where(m => string.Equals(m.ConsumerId, consumerId, StringComparison.Ordinal)));
            token = page.NextPageToken;
        }
        while (token is not null && found.Count < MaxMeters);

        return [.. found.Take(MaxMeters)];
    }

    /// <summary>The consumer's meter with this serial, or null when there is none or it is another consumer's.</summary>
    public async Task<Meter?> FindMeterAsync(string consumerId, string serial, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(consumerId);
        if (string.IsNullOrEmpty(serial) || serial.Length > 64)
        {
            return null;
        }

        var meter = await meters.FindBySerialAsync(serial, cancellationToken).ConfigureAwait(false);
        return meter is not null && string.Equals(meter.ConsumerId, consumerId, StringComparison.Ordinal) ? meter : null;
    }

    /// <summary>Energy per day (30 days) and per month (12 months) up to the meter's newest interval.</summary>
    public async Task<MeterUsage> UsageAsync(Meter meter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(meter);
        var latest = await LatestAsync(meter, cancellationToken).ConfigureAwait(false);
        if (latest is not { } end)
        {
            return MeterUsage.None;
        }

        var lastMonth = MonthOf(end);
        var firstMonth = lastMonth;
        for (var i = 1; i < ChartMonths; i++)
        {
            firstMonth = firstMonth.Previous;
        }

        var from = BillingMonth.LocalMidnight(firstMonth.FirstDay, clock.Zone);
        var rows = await IntervalsAsync(meter.Id, from, end.AddTicks(1), cancellationToken).ConfigureAwait(false);
        var perDay = rows.GroupBy(r => clock.LocalDate(r.Time.AddTicks(-1))).ToDictionary(g => g.Key, g => g.Sum(r => r.Value));
        var lastDay = clock.LocalDate(end.AddTicks(-1));
        var days = new List<UsageBar>(ChartDays);
        for (var day = lastDay.AddDays(1 - ChartDays); day <= lastDay; day = day.AddDays(1))
        {
            days.Add(new UsageBar(day.Day.ToString(CultureInfo.InvariantCulture), day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), perDay.GetValueOrDefault(day) / 1_000));
        }

        var months = new List<UsageBar>(ChartMonths);
        for (var month = firstMonth; month <= lastMonth; month = month.Next)
        {
            var wattHours = perDay.Where(d => d.Key.Year == month.Year && d.Key.Month == month.Month).Sum(d => d.Value);
            months.Add(new UsageBar(month.FirstDay.ToString("MMM", CultureInfo.InvariantCulture), month.ToString(), wattHours / 1_000));
        }

        return new MeterUsage(end, days, months);
    }

    /// <summary>
    /// What the month of the meter's newest interval costs so far, priced with the meter's tariff as prepaid prices it;
    /// null when the meter has no tariff (or none that month) or no interval.
    /// </summary>
    public async Task<CostSoFar?> CostSoFarAsync(Meter meter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(meter);
        if (billing is null || !billing.Tariffs.TryResolve(meter, out var tariff, out var load) || await LatestAsync(meter, cancellationToken).ConfigureAwait(false) is not { } end)
        {
            return null;
        }

        var zone = tariff.TimeZone;
        var local = TimeZoneInfo.ConvertTime(end.AddTicks(-1), zone);
        var month = new BillingMonth(local.Year, local.Month);
        if (tariff.VersionFor(month) is not { } version)
        {
            return null;
        }

        var (start, monthEnd) = month.Bounds(zone);
        var rows = await IntervalsAsync(meter.Id, start, monthEnd.AddTicks(TimeSpan.TicksPerMicrosecond), cancellationToken).ConfigureAwait(false);
        var toDate = MonthToDateConsumption.Compute(month, zone, rows, version.Zones);
        if (toDate.Intervals == 0)
        {
            return null;
        }

        var charges = TariffCalculator.PriceMonthToDate(version, toDate.Consumption, load);
        return new CostSoFar(month, end, tariff.Name, tariff.Currency, toDate.Consumption.TotalKwh, charges.Total);
    }

    /// <summary>The meter's bills, newest month first (at most <see cref="PortalOptions.Bills"/>).</summary>
    public Task<IReadOnlyList<Bill>> BillsAsync(Meter meter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(meter);
        return bills.ListAsync(meter.Id, Options.Bills, cancellationToken);
    }

    /// <summary>The bill with this number, or null when there is none or it is of another consumer.</summary>
    public async Task<Bill?> FindBillAsync(string consumerId, string number, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(consumerId);
        if (string.IsNullOrEmpty(number) || number.Length > Bill.MaxNumberLength)
        {
            return null;
        }

        var bill = await bills.GetAsync(number, cancellationToken).ConfigureAwait(false);
        if (bill is null || !string.Equals(bill.ConsumerId, consumerId, StringComparison.Ordinal))
        {
            return null;
        }

        // A bill names the consumer it was issued to; the meter must still be theirs too (a meter moved to another consumer keeps its old bills with the old one).
        var meter = await meters.GetAsync(bill.Meter, cancellationToken).ConfigureAwait(false);
        return meter is not null && string.Equals(meter.ConsumerId, consumerId, StringComparison.Ordinal) ? bill : null;
    }

    /// <summary>The consumer's prepaid account and newest ledger entries, or null when they are not on prepaid.</summary>
    public async Task<PrepaidView?> PrepaidAsync(string consumerId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(consumerId);
        if (prepaid is null || await prepaid.Store.GetAsync(consumerId, cancellationToken).ConfigureAwait(false) is not { } account)
        {
            return null;
        }

        var ledger = await prepaid.Store.ListLedgerAsync(consumerId, null, Options.LedgerEntries, cancellationToken).ConfigureAwait(false);
        return new PrepaidView(account, ledger);
    }

    /// <summary>
    /// Records a top-up the consumer made, through the prepaid service (audited as <c>prepaid.top-up</c> with the
    /// consumer as actor; a retry with the same key is applied once). Refused as <see cref="TopUpOutcome.Invalid"/>
    /// when <see cref="PortalOptions.ConsumerTopUp"/> is off, as <see cref="TopUpOutcome.UnknownAccount"/> without an account.
    /// </summary>
    public async Task<TopUpResult> TopUpAsync(string consumerId, decimal amount, string idempotencyKey, string? reference, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(consumerId);
        if (!Options.ConsumerTopUp)
        {
            return new TopUpResult(TopUpOutcome.Invalid, null, null, "Top-ups are not taken in the portal.");
        }

        if (prepaid is null)
        {
            return new TopUpResult(TopUpOutcome.UnknownAccount, null, null, "There is no prepaid account.");
        }

        return await prepaid.TopUpAsync(consumerId, amount, idempotencyKey, reference, actor, cancellationToken).ConfigureAwait(false);
    }

    private BillingMonth MonthOf(DateTimeOffset end)
    {
        var local = clock.ToLocal(end.AddTicks(-1));
        return new BillingMonth(local.Year, local.Month);
    }

    private async Task<DateTimeOffset?> LatestAsync(Meter meter, CancellationToken cancellationToken)
    {
        // The meter's newest interval: the portal shows the meter's calendar up to its data. Looked for in a widening
        // window back from now, so that a meter that reports reads a day of times, not a year.
        var to = clock.Now + TimeSpan.FromDays(1);
        foreach (var span in LatestSearch)
        {
            var times = await readings.GetIntervalTimesAsync(meter.Id, Quantity.BlockImportEnergy, to - span, to, cancellationToken).ConfigureAwait(false);
            if (times.Count > 0)
            {
                return times[^1];
            }
        }

        return null;
    }

    private async Task<List<IntervalReading>> IntervalsAsync(MeterId meter, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var rows = new List<IntervalReading>();
        string? token = null;
        do
        {
            var page = await readings.QueryAsync(new ReadingQuery(meter, from, to, [Quantity.BlockImportEnergy], ReadingQuery.MaxPageSize, token), cancellationToken).ConfigureAwait(false);
            rows.AddRange(page.Items);
            token = page.NextPageToken;
        }
        while (token is not null && rows.Count < MaxRows);

        return rows;
    }
}
