namespace Meterline.HeadEnd.Ingest;

public enum FrameAdmissionStatus
{
    /// <summary>Authenticated, decoded and queued for the batch writer.</summary>
    Queued = 0,

    /// <summary>Authenticated usage data dropped because its queue was full (acknowledged as failed: the meter resends).</summary>
    Shed = 1,

    /// <summary>Refused; see <see cref="FrameAdmission.Reason"/>.</summary>
    Rejected = 2,
}
