namespace Meterline.HeadEnd.Billing;

/// <summary>
/// A month's consumption as computed from the stored data, or why it cannot be billed. An estimated result says how
/// (<see cref="EstimationMethod"/>) and what share of the month had data (<see cref="DataShare"/>, 0 to 1).
/// </summary>
public sealed record ConsumptionResult(
    Consumption? Consumption,
    ConsumptionMethod Method,
    bool Estimated,
    string? EstimationMethod,
    decimal DataShare,
    int DaysWithData,
    int DaysInPeriod,
    ConsumptionProblem Problem,
    string? ProblemDetail)
{
    public static ConsumptionResult Refused(ConsumptionProblem problem, string detail, int days) =>
        new(null, ConsumptionMethod.IntervalData, false, null, 0m, 0, days, problem, detail);
}
