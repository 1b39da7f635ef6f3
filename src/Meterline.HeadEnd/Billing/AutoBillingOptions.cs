namespace Meterline.HeadEnd.Billing;

/// <summary>When and how much <see cref="AutoBillingService"/> issues (docs/billing.md, "Automatic issue").</summary>
public sealed record AutoBillingOptions
{
    /// <summary>How often the service looks for months that became due.</summary>
    public TimeSpan TickInterval { get; init; } = TimeSpan.FromHours(1);

    /// <summary>How long after a month ends (local midnight in the tariff's time zone) its bills are issued, so that late data arrives first.</summary>
    public TimeSpan Delay { get; init; } = TimeSpan.FromDays(2);

    /// <summary>How many due months (the latest and the ones before it) a run issues when their bills are missing: the catch-up after a restart or an outage.</summary>
    public int CatchUpMonths { get; init; } = 3;

    /// <summary>The registry page read at once.</summary>
    public int PageSize { get; init; } = 500;

    /// <summary>Bills issued in one run, at most; the next run continues (issued bills are skipped).</summary>
    public int MaxBillsPerRun { get; init; } = 10_000;

    /// <summary>The audit actor of the bills it issues.</summary>
    public string Actor { get; init; } = "auto-billing";

    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(TickInterval, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(Delay, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Delay, TimeSpan.FromDays(27));
        ArgumentOutOfRangeException.ThrowIfLessThan(CatchUpMonths, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(CatchUpMonths, 24);
        ArgumentOutOfRangeException.ThrowIfLessThan(PageSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(PageSize, 1000);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBillsPerRun, 1);
        ArgumentException.ThrowIfNullOrWhiteSpace(Actor);
    }
}
