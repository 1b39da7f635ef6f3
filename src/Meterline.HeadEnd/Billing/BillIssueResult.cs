namespace Meterline.HeadEnd.Billing;

/// <summary>The outcome of issuing a bill, the bill (issued, or the existing one), and what went wrong otherwise.</summary>
public sealed record BillIssueResult(BillIssueOutcome Outcome, Bill? Bill, string? Detail)
{
    public static BillIssueResult Refused(BillIssueOutcome outcome, string detail) => new(outcome, null, detail);
}
