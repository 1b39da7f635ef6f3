using Meterline.HeadEnd.Ingest;

namespace Meterline.HeadEnd.Tests.Ingest;

internal sealed class RecordingAcknowledgement : IFrameAcknowledgement
{
    private readonly Lock _lock = new();
    private readonly List<FrameOutcome> _outcomes = [];

    public IReadOnlyList<FrameOutcome> Outcomes
    {
        get
        {
            lock (_lock)
            {
                return [.. _outcomes];
            }
        }
    }

    public void Complete(FrameOutcome outcome)
    {
        lock (_lock)
        {
            _outcomes.Add(outcome);
        }
    }
}
