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

    /// <summary>Deducts what each month holding <paramref name="times"/> costs to date beyond what it was charged, then evaluates the account; the caller holds the account's lock.</summary>
    public async Task SettleAsync(PrepaidAccount account, IReadOnlyList<Meter> meters, IEnumerable<DateTimeOffset> times, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var zone = pricer.TariffOf(account.ConsumerId)?.TimeZone ?? TimeZoneInfo.Utc;
        var months = times.Where(t => t <= now + TimeSpan.FromDays(1))
            .Select(t => PrepaidPricer.MonthOf(t.AddTicks(-1), zone)).Distinct().Order().TakeLast(MaxMonthsPerSettlement);
        foreach (var month in months)
        {
            var charge = 0m;
            foreach (var meter in meters)
            {
                charge += await pricer.ChargeAsync(account, meter, month, now, cancellationToken).ConfigureAwait(false);
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
