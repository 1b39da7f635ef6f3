using Meterline.HeadEnd.Ingest;

namespace Meterline.HeadEnd.Mqtt.Uplink;

/// <summary>The PUBACK of one QoS 1 publish, completed by the ingest pipeline (after the commit, or refused or failed).</summary>
internal sealed class PublishAcknowledgement : IFrameAcknowledgement
{
    private readonly TaskCompletionSource<FrameOutcome> _outcome = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<FrameOutcome> Outcome => _outcome.Task;

    public void Complete(FrameOutcome outcome) => _outcome.TrySetResult(outcome);
}
