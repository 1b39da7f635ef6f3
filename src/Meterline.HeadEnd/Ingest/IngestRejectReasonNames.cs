namespace Meterline.HeadEnd.Ingest;

/// <summary>The stable names of <see cref="IngestRejectReason"/> used as metric tags and in audit actions (<c>frame.rejected.{tag}</c>).</summary>
public static class IngestRejectReasonNames
{
    public static string Tag(this IngestRejectReason reason) => reason switch
    {
        IngestRejectReason.Oversize => "oversize",
        IngestRejectReason.SourceRateLimited => "source-rate",
        IngestRejectReason.Malformed => "malformed",
        IngestRejectReason.Unprotected => "unprotected",
        IngestRejectReason.UnknownSystemTitle => "unknown-system-title",
        IngestRejectReason.MeterRateLimited => "meter-rate",
        IngestRejectReason.Replay => "replay",
        IngestRejectReason.WeakProtection => "weak-protection",
        IngestRejectReason.KeysCompromised => "keys-compromised",
        IngestRejectReason.NoKeys => "no-keys",
        IngestRejectReason.AuthenticationFailed => "bad-tag",
        IngestRejectReason.Undecodable => "undecodable",
        IngestRejectReason.SerialMismatch => "serial-mismatch",
        IngestRejectReason.ConnectionLimited => "connection-limit",
        IngestRejectReason.SlowSender => "slow-sender",
        IngestRejectReason.BadCredentials => "bad-credentials",
        IngestRejectReason.AccessDenied => "acl-denied",
        _ => "other",
    };
}
