using Meterline.HeadEnd.Ingest;

namespace Meterline.HeadEnd.Tests.Ingest;

/// <summary>
/// A transport that defers its acknowledgements to the end of the batch writer's run, as the MQTT consumer does: it
/// records, at every flush, how many acknowledgements had completed by then.
/// </summary>
internal sealed class DeferringAcknowledgements : IAcknowledgementFlush
{
    private readonly Lock _lock = new();
    private readonly List<int> _completedAtFlush = [];
    private int _completed;
    private int _deferred;

    /// <summary>Completions seen at each flush, in order.</summary>
    public IReadOnlyList<int> CompletedAtFlush
    {
        get
        {
            lock (_lock)
            {
                return [.. _completedAtFlush];
            }
        }
    }

    /// <summary>Completions that were inside a run.</summary>
    public int Deferred => Volatile.Read(ref _deferred);

    public IFrameAcknowledgement Next() => new Acknowledgement(this);

    public void FlushAcknowledgements()
    {
        lock (_lock)
        {
            _completedAtFlush.Add(_completed);
        }
    }

    private void OnComplete()
    {
        lock (_lock)
        {
            _completed++;
        }

        if (FrameAcknowledgementRun.TryDefer(this))
        {
            Interlocked.Increment(ref _deferred);
        }
        else
        {
            FlushAcknowledgements();
        }
    }

    private sealed class Acknowledgement(DeferringAcknowledgements owner) : IFrameAcknowledgement
    {
        public void Complete(FrameOutcome outcome) => owner.OnComplete();
    }
}
