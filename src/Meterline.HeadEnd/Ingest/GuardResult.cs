using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.Ingest;

/// <summary>The ingress guard's verdict on one frame: passed (with the meter it claims to come from and its header) or refused and why.</summary>
public readonly record struct GuardResult(IngestRejectReason? Reason, Meter? Meter, SecuredApduHeader Header)
{
    public bool IsAccepted => Reason is null && Meter is not null;

    public static GuardResult Accept(Meter meter, SecuredApduHeader header) => new(null, meter, header);

    public static GuardResult Reject(IngestRejectReason reason, Meter? meter = null, SecuredApduHeader header = default) => new(reason, meter, header);
}
