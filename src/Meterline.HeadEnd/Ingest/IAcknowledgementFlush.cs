namespace Meterline.HeadEnd.Ingest;

/// <summary>
/// A transport that gathers the acknowledgements completed during a <see cref="FrameAcknowledgementRun"/> and sends
/// them together when the run ends (one write for one commit's acknowledgements on a shared connection).
/// </summary>
public interface IAcknowledgementFlush
{
    /// <summary>Sends, or hands to its sender, every acknowledgement gathered so far. Must not block or throw.</summary>
    void FlushAcknowledgements();
}
