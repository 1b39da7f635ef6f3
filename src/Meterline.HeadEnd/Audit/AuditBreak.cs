namespace Meterline.HeadEnd.Audit;

/// <summary>Why an audit log failed verification.</summary>
public enum AuditBreak
{
    /// <summary>The log verified.</summary>
    None = 0,

    /// <summary>An entry's hash is not the hash of its fields: the entry was altered.</summary>
    HashMismatch = 1,

    /// <summary>An entry's previous hash is not the hash of the entry before it: an entry was altered and re-hashed, or replaced.</summary>
    PreviousHashMismatch = 2,

    /// <summary>A sequence number is missing (an entry was deleted) or out of order.</summary>
    Gap = 3,

    /// <summary>The log ends before the entry it was expected to reach (entries were cut off its end).</summary>
    Truncated = 4,
}
