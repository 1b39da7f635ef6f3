namespace Meterline.HeadEnd.Billing;

/// <summary>
/// What one run of <see cref="AutoBillingService"/> did: bills issued (of them estimated), months found billed already,
/// refusals (no data, integrity error, no tariff version), meters that failed unexpectedly, and whether the run
/// finished every due month (false when it stopped at <see cref="AutoBillingOptions.MaxBillsPerRun"/> or a failure:
/// the next run goes on).
/// </summary>
public sealed record AutoBillingRun(
    IReadOnlyList<BillingMonth> Months,
    int Issued,
    int Estimated,
    int AlreadyIssued,
    int NoData,
    int IntegrityErrors,
    int NotBilled,
    int Failed,
    bool Complete)
{
    public static readonly AutoBillingRun Nothing = new([], 0, 0, 0, 0, 0, 0, 0, true);
}
