using Meterline.HeadEnd.Ingest;

namespace Meterline.HeadEnd.Coap;

/// <summary>The pipeline's verdict on one POSTed push, awaited by the request handler that answers the meter.</summary>
internal sealed class CoapFrameAcknowledgement : IFrameAcknowledgement
{
    private readonly TaskCompletionSource<FrameOutcome> _outcome = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<FrameOutcome> Outcome => _outcome.Task;

    public void Complete(FrameOutcome outcome) => _outcome.TrySetResult(outcome);
}
