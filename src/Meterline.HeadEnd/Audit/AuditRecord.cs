namespace Meterline.HeadEnd.Audit;

/// <summary>
/// One entry of the hash-chained audit log. <see cref="Hash"/> is SHA-256 over the previous entry's hash and this
/// entry's fields in a fixed canonical encoding (see <c>AuditChain</c>); the first entry's previous hash is 32 zero bytes.
/// </summary>
/// <param name="Sequence">Position in the log, from 1, without gaps.</param>
/// <param name="At">When it was written.</param>
/// <param name="Actor">Who acted: an operator, "system", or a source address for rejected frames.</param>
/// <param name="Action">What happened, e.g. command.disconnect.requested, frame.rejected.replay, key.rotated.</param>
/// <param name="Subject">What it concerned, e.g. a meter serial or a command id.</param>
/// <param name="Detail">More, as JSON (never a key or password).</param>
/// <param name="PreviousHash">The previous entry's hash.</param>
/// <param name="Hash">This entry's hash.</param>
public sealed record AuditRecord(
    long Sequence,
    DateTimeOffset At,
    string Actor,
    string Action,
    string Subject,
    string Detail,
    ReadOnlyMemory<byte> PreviousHash,
    ReadOnlyMemory<byte> Hash)
{
    public const int HashLength = 32;

    public bool Equals(AuditRecord? other) =>
        other is not null && Sequence == other.Sequence && At == other.At && Actor == other.Actor && Action == other.Action &&
        Subject == other.Subject && Detail == other.Detail && PreviousHash.Span.SequenceEqual(other.PreviousHash.Span) &&
        Hash.Span.SequenceEqual(other.Hash.Span);

    public override int GetHashCode() => HashCode.Combine(Sequence, At, Action, Subject);
}
