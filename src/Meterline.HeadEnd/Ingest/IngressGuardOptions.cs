namespace Meterline.HeadEnd.Ingest;

/// <summary>The ingress guard's limits (see docs/ingest.md).</summary>
public sealed record IngressGuardOptions
{
    /// <summary>The largest APDU accepted; larger frames are refused unread.</summary>
    public int MaxFrameLength { get; init; } = 4096;

    /// <summary>
    /// Per sending address (an IP address, a gateway) not declared in <see cref="Concentrators"/>: enough for a small
    /// gateway whose few thousand meters push on the same interval boundary (a burst of 5,000, then 1,000 a second);
    /// it stops a single undeclared host from flooding. A concentrator carrying more is declared in
    /// <see cref="Concentrators"/> with a quota of its own.
    /// </summary>
    public TokenBucketSettings PerSource { get; init; } = new(1_000, 5_000);

    /// <summary>
    /// Declared data concentrators and gateways (by network or source name) and their per-address quotas, checked in
    /// order, the first match winning; at most <see cref="MaxConcentrators"/>.
    /// </summary>
    public IReadOnlyList<SourceQuota> Concentrators { get; init; } = [];

    /// <summary>The most <see cref="Concentrators"/> entries (each frame from an address is matched against them).</summary>
    public const int MaxConcentrators = 256;

    /// <summary>Per meter: a meter pushes every 15 minutes, alerts and retries on top; a burst of 30 and one frame every 5 s.</summary>
    public TokenBucketSettings PerMeter { get; init; } = new(0.2, 30);

    /// <summary>Source buckets held at most.</summary>
    public int MaxSources { get; init; } = 100_000;

    /// <summary>Meter buckets held at most.</summary>
    public int MaxMeters { get; init; } = 1_000_000;

    /// <summary>At most one audit entry per (source, reason) per window.</summary>
    public TimeSpan AuditWindow { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>(source, reason) pairs remembered for the audit window.</summary>
    public int MaxAuditKeys { get; init; } = 10_000;

    /// <summary>Audit entries waiting to be written.</summary>
    public int AuditQueueCapacity { get; init; } = 1_024;

    /// <summary>Longest source text kept (longer ones are cut; the source is a bucket key and an audit actor).</summary>
    public int MaxSourceLength { get; init; } = 128;

    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxFrameLength, 16);
        PerSource.Validate();
        PerMeter.Validate();
        ArgumentNullException.ThrowIfNull(Concentrators);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Concentrators.Count, MaxConcentrators);
        foreach (var concentrator in Concentrators)
        {
            ArgumentNullException.ThrowIfNull(concentrator);
            concentrator.Validate();
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(MaxSources, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxMeters, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(AuditWindow, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxAuditKeys, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(AuditQueueCapacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxSourceLength, 8);
    }
}
