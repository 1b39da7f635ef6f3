using Meterline.HeadEnd.Audit;

namespace Meterline.Server.Audit;

/// <summary>
/// The outcome of verifying the audit log: intact, or the first break — its kind, the first sequence that does not
/// verify, and a reason for a person (names sequences, never an entry's detail).
/// </summary>
public sealed record AuditVerificationResponse(bool Intact, AuditBreak Break, long EntriesVerified, long? BrokenSequence, string Reason)
{
    public static AuditVerificationResponse From(AuditVerification verification)
    {
        ArgumentNullException.ThrowIfNull(verification);
        return new AuditVerificationResponse(verification.IsIntact, verification.Break, verification.EntriesVerified, verification.BrokenSequence, verification.Reason);
    }
}
