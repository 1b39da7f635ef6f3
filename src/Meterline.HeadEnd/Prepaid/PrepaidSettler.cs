using Meterline.HeadEnd.Billing;
using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.Prepaid;

/// <summary>
/// Settles a prepaid account (docs/prepaid.md "Deduction"): for each month asked about (at most
/// <see cref="MaxMonthsPerSettlement"/>, the newest), the consumer's meters are priced to date and the difference from
/// the month's running charge is posted as a deduction naming the charge it was computed against (so two writers
/// never deduct the same consumption twice); then the account is evaluated.
/// </summary>
internal sealed class PrepaidSettler(IPrepaidStore store, PrepaidPricer pricer, PrepaidEvaluator evaluator, PrepaidMetrics metrics, TimeProvider time)
{
    public const int MaxMonthsPerSettlement = 13;

    /// <summary>The months a settlement of a consumer at <paramref name="now"/> prices for <paramref name="times"/>: the newest <see cref="MaxMonthsPerSettlement"/>, in the consumer's tariff's zone.</summary>
    public IEnumerable<BillingMonth> MonthsOf(string consumerId, IEnumerable<DateTimeOffset> times, DateTimeOffset now)
    {
        var zone = pricer.TariffOf(consumerId)?.TimeZone ?? TimeZoneInfo.Utc;
        return times.Where(t => t <= now + TimeSpan.FromDays(1))
            .Select(t => PrepaidPricer.MonthOf(t.AddTicks(-1), zone)).Distinct().Order().TakeLast(MaxMonthsPerSettlement);
    }

    /// <summary>
    /// Deducts what each month holding <paramref name="times"/> costs to date beyond what it was charged, then evaluates
    /// the account; the caller holds the account's lock. Meters' months read ahead (<paramref name="ahead"/>) are priced from that read.
    /// </summary>
    public async Task SettleAsync(PrepaidAccount account, IReadOnlyList<Meter> meters, IEnumerable<DateTimeOffset> times, CancellationToken cancellationToken, PrepaidReadAhead? ahead = null)
    {
        var now = time.GetUtcNow();
        var months = MonthsOf(account.ConsumerId, times, now).ToList();

        // The consumer's meters' months in grouped reads (those the round did not read already), not one read per meter and month.
        ahead ??= new PrepaidReadAhead();
        var before = ahead.Reads;
        await pricer.ReadAheadAsync(ahead, meters, months, now, cancellationToken).ConfigureAwait(false);
        metrics.OnGroupedReads(ahead.Reads - before);
        foreach (var month in months)
        {
            var charge = 0m;
            foreach (var meter in meters)
            {
                charge += await pricer.ChargeAsync(account, meter, month, now, ahead, cancellationToken).ConfigureAwait(false);
            }

            var charged = await store.GetMonthChargedAsync(account.ConsumerId, month, cancellationToken).ConfigureAwait(false);
            metrics.OnSettlement();
            if (charge == charged)
            {
                continue;
            }

            var posted = await store.PostAsync(account.ConsumerId, new LedgerPosting(
                LedgerEntryKind.Deduction, charged - charge, now, PrepaidAuditActions.Actor, "consumption " + month.ToString(),
                Month: month.ToString(), MonthCharged: charge, ExpectedMonthCharged: charged), cancellationToken).ConfigureAwait(false);
            if (posted.Outcome == LedgerPostOutcome.Posted)
            {
                metrics.OnDeduction();
            }
        }

        var current = await store.GetAsync(account.ConsumerId, cancellationToken).ConfigureAwait(false);
        if (current is not null)
        {
            await evaluator.EvaluateAsync(current, meters, cancellationToken).ConfigureAwait(false);
        }
    }
}
