namespace Meterline.HeadEnd.Audit;

/// <summary>An entry of the audit log recorded outside it (its sequence and hash), which a verified log must still hold.</summary>
public sealed record AuditAnchor(long Sequence, ReadOnlyMemory<byte> Hash)
{
    public static AuditAnchor Of(AuditRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return new AuditAnchor(record.Sequence, record.Hash.ToArray());
    }

    public bool Equals(AuditAnchor? other) => other is not null && Sequence == other.Sequence && Hash.Span.SequenceEqual(other.Hash.Span);

    public override int GetHashCode() => Sequence.GetHashCode();
}
