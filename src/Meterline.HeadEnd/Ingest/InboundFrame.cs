namespace Meterline.HeadEnd.Ingest;

/// <summary>
/// One secured APDU as a transport received it, before anything is checked.
/// </summary>
/// <param name="LinkId">Which link it came over, e.g. <c>dlms-tcp:10.0.0.7:50123</c> or <c>mqtt:meters/MTL01/up</c>.</param>
/// <param name="Source">The sender's network address as text (an IP address, a Zigbee address), the key of the per-source rate limit.</param>
/// <param name="Apdu">The secured APDU.</param>
/// <param name="ReceivedAt">When the transport received it.</param>
/// <param name="Acknowledgement">Completed once the frame is committed, rejected or failed; null for transports without acknowledgements.</param>
public sealed record InboundFrame(
    string LinkId,
    string Source,
    ReadOnlyMemory<byte> Apdu,
    DateTimeOffset ReceivedAt,
    IFrameAcknowledgement? Acknowledgement = null)
{
    /// <summary>Completes the acknowledgement, if any.</summary>
    public void Complete(FrameOutcome outcome) => Acknowledgement?.Complete(outcome);

    public override string ToString() => $"{Apdu.Length}-byte frame from {Source} on {LinkId}";
}
