using System.Globalization;
using System.Net;
using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.Ingest;

/// <summary>
/// The checks every inbound frame passes before any cryptography, cheapest first: size cap; the sending address's
/// token bucket (a declared concentrator's quota, <see cref="IngressGuardOptions.Concentrators"/>, else
/// <see cref="IngressGuardOptions.PerSource"/>); a peek at the secured header (<see cref="ISecuredApduInspector"/>); a
/// registered system title; an invocation counter above the last committed one (before the meter's bucket, so that
/// replayed frames do not use up the meter's quota); the meter's token bucket; protection at least the meter's
/// <see cref="SecurityLevel"/>; keys not compromised. Each refusal is counted by reason, audited at most once per
/// (source, reason) per window, and completes the frame's acknowledgement as rejected. Thread-safe.
/// </summary>
public sealed class IngressGuard
{
    private readonly ISecuredApduInspector _inspector;
    private readonly MeterDirectory _meters;
    private readonly PushCounterMarks _counters;
    private readonly RejectionAuditor _auditor;
    private readonly IngestMetrics _metrics;
    private readonly IngressGuardOptions _options;
    private readonly TokenBucketTable<string> _sources;
    private readonly TokenBucketTable<MeterId> _meterBuckets;
    private readonly (SourceQuota Quota, TokenBucketTable<string> Buckets)[] _concentrators;

    public IngressGuard(
        ISecuredApduInspector inspector,
        MeterDirectory meters,
        PushCounterMarks counters,
        RejectionAuditor auditor,
        IngestMetrics metrics,
        IngressGuardOptions options,
        TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(inspector);
        ArgumentNullException.ThrowIfNull(meters);
        ArgumentNullException.ThrowIfNull(counters);
        ArgumentNullException.ThrowIfNull(auditor);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        options.Validate();
        _inspector = inspector;
        _meters = meters;
        _counters = counters;
        _auditor = auditor;
        _metrics = metrics;
        _options = options;
        _sources = new TokenBucketTable<string>(options.PerSource, options.MaxSources, time);
        _meterBuckets = new TokenBucketTable<MeterId>(options.PerMeter, options.MaxMeters, time);
        _concentrators = [.. options.Concentrators.Select(c => (c, new TokenBucketTable<string>(c.Quota, Math.Min(options.MaxSources, c.Network is { } n ? AddressesIn(n) : 1), time)))];
    }

    /// <summary>The per-source buckets of undeclared sources (for status and tests).</summary>
    public TokenBucketTable<string> SourceBuckets => _sources;

    /// <summary>The bucket table whose quota applies to <paramref name="source"/>: a declared concentrator's, else <see cref="SourceBuckets"/>.</summary>
    public TokenBucketTable<string> SourceBucketsFor(string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (_concentrators.Length == 0)
        {
            return _sources;
        }

        var address = IPAddress.TryParse(source, out var parsed) ? parsed : null;
        foreach (var (quota, buckets) in _concentrators)
        {
            if (quota.Matches(source, address))
            {
                return buckets;
            }
        }

        return _sources;
    }

    /// <summary>The per-meter buckets (for status and tests).</summary>
    public TokenBucketTable<MeterId> MeterBuckets => _meterBuckets;

    /// <summary>Checks one frame. A refusal is counted, audited (rate-limited) and acknowledged as rejected before this returns.</summary>
    public GuardResult Check(InboundFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var verdict = Evaluate(frame);
        if (verdict.Reason is { } reason)
        {
            Reject(frame, reason, verdict.Meter, verdict.Header);
        }

        return verdict;
    }

    /// <summary>
    /// Refuses a frame for a reason found here or later (authentication, decoding): counts it, audits it at most once
    /// per (source, reason) per window, and completes its acknowledgement as rejected.
    /// </summary>
    public void Reject(InboundFrame frame, IngestRejectReason reason, Meter? meter, SecuredApduHeader? header, string? detail = null)
    {
        ArgumentNullException.ThrowIfNull(frame);
        _metrics.OnRejected(reason);
        var details = new List<KeyValuePair<string, string>>(5) { new("link", Cut(frame.LinkId)) };
        if (header is { } h && reason is not (IngestRejectReason.Oversize or IngestRejectReason.SourceRateLimited or IngestRejectReason.Malformed or IngestRejectReason.Unprotected))
        {
            details.Add(new("systemTitle", h.SystemTitle.ToString()));
            details.Add(new("invocationCounter", h.InvocationCounter.ToString(CultureInfo.InvariantCulture)));
        }
        else
        {
            details.Add(new("length", frame.Apdu.Length.ToString(CultureInfo.InvariantCulture)));
        }

        if (detail is not null)
        {
            details.Add(new("detail", Cut(detail)));
        }

        var subject = meter?.Serial ?? (header is { } known && reason == IngestRejectReason.UnknownSystemTitle ? known.SystemTitle.ToString() : Cut(frame.Source));
        _auditor.Report(Cut(frame.Source), reason, subject, details);
        frame.Complete(FrameOutcome.Rejected);
    }

    /// <summary>
    /// Refuses what a transport dropped before it became a frame (an oversize header, bytes that are no frame): counts
    /// it and audits it at most once per (source, reason) per window, like a refused frame.
    /// </summary>
    public void RejectUnread(string linkId, string source, IngestRejectReason reason, string detail)
    {
        ArgumentNullException.ThrowIfNull(linkId);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(detail);
        _metrics.OnRejected(reason);
        _auditor.Report(Cut(source), reason, Cut(source), [new("link", Cut(linkId)), new("detail", Cut(detail))]);
    }

    private GuardResult Evaluate(InboundFrame frame)
    {
        if (frame.Apdu.Length > _options.MaxFrameLength)
        {
            return GuardResult.Reject(IngestRejectReason.Oversize);
        }

        var source = Cut(frame.Source);
        if (!SourceBucketsFor(source).TryTake(source))
        {
            return GuardResult.Reject(IngestRejectReason.SourceRateLimited);
        }

        switch (_inspector.Inspect(frame.Apdu.Span, out var header))
        {
            case HeaderInspection.Read:
                break;
            case HeaderInspection.Unprotected:
                return GuardResult.Reject(IngestRejectReason.Unprotected);
            default:
                return GuardResult.Reject(IngestRejectReason.Malformed);
        }

        if (!_meters.TryGet(header.SystemTitle, out var meter))
        {
            return GuardResult.Reject(IngestRejectReason.UnknownSystemTitle, null, header);
        }

        // A replay is refused before it takes a token: replaying a meter's captured frames must not use up its quota.
        if (!_counters.IsFresh(meter.Id, header.InvocationCounter))
        {
            return GuardResult.Reject(IngestRejectReason.Replay, meter, header);
        }

        if (!_meterBuckets.TryTake(meter.Id))
        {
            return GuardResult.Reject(IngestRejectReason.MeterRateLimited, meter, header);
        }

        if (!MeetsLevel(header, meter.SecurityLevel))
        {
            return GuardResult.Reject(IngestRejectReason.WeakProtection, meter, header);
        }

        if (meter.KeyStatus == KeyStatus.Compromised)
        {
            return GuardResult.Reject(IngestRejectReason.KeysCompromised, meter, header);
        }

        return GuardResult.Accept(meter, header);
    }

    /// <summary>Both levels ask pushes to be authenticated and encrypted; signing applies to the head-end's commands.</summary>
    private static bool MeetsLevel(SecuredApduHeader header, SecurityLevel level) => level switch
    {
        SecurityLevel.AuthenticatedEncrypted or SecurityLevel.AuthenticatedEncryptedSigned => header.IsAuthenticated && header.IsEncrypted,
        _ => false,
    };

    /// <summary>How many addresses a network holds, capped at <see cref="int.MaxValue"/>.</summary>
    private static int AddressesIn(IPNetwork network)
    {
        var hostBits = (network.BaseAddress.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128) - network.PrefixLength;
        return hostBits >= 31 ? int.MaxValue : 1 << hostBits;
    }

    private string Cut(string text) => text.Length <= _options.MaxSourceLength ? text : text[.._options.MaxSourceLength];
}
