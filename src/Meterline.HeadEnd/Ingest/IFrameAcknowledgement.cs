namespace Meterline.HeadEnd.Ingest;

/// <summary>
/// The transport's acknowledgement of one inbound frame (MQTT PUBACK, CoAP ACK), for transports that have one. The
/// pipeline completes it exactly once: <see cref="FrameOutcome.Committed"/> only after the data the frame carried is
/// in the reading store. Implementations must not block; they are called from the batch writer, one commit's inside
/// one <see cref="FrameAcknowledgementRun"/> (a transport may defer its sends to the run's end).
/// </summary>
public interface IFrameAcknowledgement
{
    void Complete(FrameOutcome outcome);
}
