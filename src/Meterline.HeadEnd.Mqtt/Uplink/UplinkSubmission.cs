using Meterline.HeadEnd.Ingest;

namespace Meterline.HeadEnd.Mqtt.Uplink;

/// <summary>
/// A message handed on by <see cref="MqttUplinkHandler.SubmitAsync"/>: settled at once (refused, a session response
/// delivered, a message this subscription leaves alone) — <see cref="Commit"/> null and <see cref="Settled"/> its
/// result — or a push queued in the pipeline, whose <see cref="Commit"/> completes when the pipeline has committed,
/// refused or failed it. Its PUBACK may follow only that.
/// </summary>
public readonly record struct UplinkSubmission(UplinkResult Settled, Task<FrameOutcome>? Commit)
{
    /// <summary>The queued push's acknowledgement (with <see cref="Commit"/>): its outcome as a callback on the completing thread.</summary>
    internal PublishAcknowledgement? Acknowledgement { get; init; }

    public static UplinkSubmission Of(UplinkResult result) => new(result, null);

    /// <summary>The result of a committed, refused or failed push.</summary>
    public static UplinkResult ResultOf(FrameOutcome outcome) => outcome switch
    {
        FrameOutcome.Committed => UplinkResult.Accepted,
        FrameOutcome.Rejected => UplinkResult.Refused(IngestRejectReason.Undecodable),
        _ => UplinkResult.Failed,
    };
}
