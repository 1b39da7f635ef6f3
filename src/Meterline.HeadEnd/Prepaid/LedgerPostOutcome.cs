namespace Meterline.HeadEnd.Prepaid;

/// <summary>What became of a <see cref="LedgerPosting"/>.</summary>
public enum LedgerPostOutcome
{
    /// <summary>Appended; the balance moved with it.</summary>
    Posted = 0,

    /// <summary>An entry with the same idempotency key exists: nothing changed, that entry is returned.</summary>
    Duplicate = 1,

    /// <summary>The month's running charge is no longer the one the deduction was computed against: nothing changed.</summary>
    Conflict = 2,

    /// <summary>No account for the consumer.</summary>
    UnknownAccount = 3,
}
