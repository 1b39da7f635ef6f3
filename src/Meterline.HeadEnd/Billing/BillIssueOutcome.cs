namespace Meterline.HeadEnd.Billing;

/// <summary>What came of a request to issue a bill.</summary>
public enum BillIssueOutcome
{
    /// <summary>A new bill (or a new revision) was stored.</summary>
    Issued = 0,

    /// <summary>No meter has that id.</summary>
    UnknownMeter = 1,

    /// <summary>The meter has no consumer, or its consumer no tariff (and there is no default), or the tariff no version in force that month.</summary>
    NoTariff = 2,

    /// <summary>The month has not ended yet in the tariff's time zone.</summary>
    MonthNotEnded = 3,

    /// <summary>The month was billed already and no re-issue was asked for; <see cref="BillIssueResult.Bill"/> is the existing bill.</summary>
    AlreadyIssued = 4,

    /// <summary>There is no data to bill (no snapshots, no interval data).</summary>
    NoData = 5,

    /// <summary>A cumulative register went down: not billed, flagged in the audit log.</summary>
    IntegrityError = 6,
}
