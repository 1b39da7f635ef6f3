namespace Meterline.HeadEnd.Audit;

/// <summary>The outcome of verifying the audit log.</summary>
/// <param name="Break">Why it failed, or <see cref="AuditBreak.None"/>.</param>
/// <param name="EntriesVerified">How many entries verified before the first break (all of them when intact).</param>
/// <param name="BrokenSequence">The first sequence that does not verify (for a gap, the missing one), or null.</param>
/// <param name="Reason">What was found, for a person; names sequences, never an entry's detail.</param>
public sealed record AuditVerification(AuditBreak Break, long EntriesVerified, long? BrokenSequence, string Reason)
{
    public bool IsIntact => Break == AuditBreak.None;
}
