using Meterline.HeadEnd.Billing;
using Meterline.Server.Problems;

namespace Meterline.Server.Billing;

/// <summary>The problems of the billing API (docs/billing.md), one per refusal of <see cref="BillingService"/>.</summary>
public static class BillingProblems
{
    /// <summary>No bill has that number.</summary>
    public static readonly ApiProblem UnknownBill = new("unknown-bill", StatusCodes.Status404NotFound, "Unknown bill");

    /// <summary>The month is missing or not yyyy-MM.</summary>
    public static readonly ApiProblem InvalidMonth = new("invalid-month", StatusCodes.Status400BadRequest, "Invalid billing month");

    /// <summary>The month was billed already; ask for a re-issue to revise it.</summary>
    public static readonly ApiProblem BillExists = new("bill-exists", StatusCodes.Status409Conflict, "Bill already issued");

    /// <summary>The meter has no consumer, the consumer no tariff, or the tariff no version in force that month.</summary>
    public static readonly ApiProblem NoTariff = new("no-tariff", StatusCodes.Status409Conflict, "No tariff");

    /// <summary>The month has not ended in the tariff's time zone.</summary>
    public static readonly ApiProblem MonthNotEnded = new("month-not-ended", StatusCodes.Status409Conflict, "Billing month not ended");

    /// <summary>Neither billing snapshots nor interval data for the month.</summary>
    public static readonly ApiProblem NoBillingData = new("no-billing-data", StatusCodes.Status409Conflict, "No data to bill");

    /// <summary>A cumulative register went down: not billed, flagged in the audit log.</summary>
    public static readonly ApiProblem IntegrityError = new("meter-integrity-error", StatusCodes.Status409Conflict, "Meter data integrity error");

    public static ApiProblem For(BillIssueOutcome outcome) => outcome switch
    {
        BillIssueOutcome.UnknownMeter => ApiProblems.UnknownMeter,
        BillIssueOutcome.NoTariff => NoTariff,
        BillIssueOutcome.MonthNotEnded => MonthNotEnded,
        BillIssueOutcome.AlreadyIssued => BillExists,
        BillIssueOutcome.NoData => NoBillingData,
        BillIssueOutcome.IntegrityError => IntegrityError,
        _ => ApiProblems.InternalError,
    };
}
