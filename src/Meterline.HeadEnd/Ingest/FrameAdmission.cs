namespace Meterline.HeadEnd.Ingest;

/// <summary>What became of a submitted frame: queued for the batch writer, shed under load, or rejected (and why).</summary>
public readonly record struct FrameAdmission(FrameAdmissionStatus Status, IngestRejectReason? Reason = null)
{
    public static FrameAdmission Queued => new(FrameAdmissionStatus.Queued);

    public static FrameAdmission Shed => new(FrameAdmissionStatus.Shed);

    public static FrameAdmission Rejected(IngestRejectReason reason) => new(FrameAdmissionStatus.Rejected, reason);
}
