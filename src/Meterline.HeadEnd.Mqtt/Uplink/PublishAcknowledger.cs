using Meterline.HeadEnd.Ingest;

namespace Meterline.HeadEnd.Mqtt.Uplink;

/// <summary>
/// Collects the consumer's answered messages for its one acknowledgement writer. A message answered inside the batch
/// writer's <see cref="FrameAcknowledgementRun"/> (its commit) is held until the run ends, so that the writer takes
/// one commit's PUBACKs together and sends them in one write; one answered anywhere else is handed over at once. What
/// it holds is bounded by the node's Receive Maximum: every message in it is one the broker has in flight to the node.
/// </summary>
internal sealed class PublishAcknowledger : IAcknowledgementFlush
{
    private readonly Lock _lock = new();
    private readonly SemaphoreSlim _signal = new(0, 1);
    private List<ReadyAcknowledgement> _held = [];
    private List<ReadyAcknowledgement> _ready = [];
    private long _handOvers;
    private int _awaiting;
    private bool _closed;

    /// <summary>Times answered messages were handed to the writer (one per commit that answered any, plus one per message answered outside a commit).</summary>
    public long HandOvers => Interlocked.Read(ref _handOvers);

    /// <summary>A queued push will be answered later, by <see cref="Add(ReadyAcknowledgement, bool)"/> with <c>expected</c> set.</summary>
    public void Expect()
    {
        lock (_lock)
        {
            _awaiting++;
        }
    }

    /// <summary>
    /// Adds an answered message (<paramref name="expected"/>: one announced by <see cref="Expect"/>): held to the end of
    /// the current run, or handed over now when there is none. Ignored once closed (<see cref="Close"/> counted it).
    /// </summary>
    public void Add(ReadyAcknowledgement answered, bool expected = false)
    {
        lock (_lock)
        {
            if (_closed)
            {
                return;
            }

            _awaiting -= expected ? 1 : 0;
            _held.Add(answered);
        }

        if (!FrameAcknowledgementRun.TryDefer(this))
        {
            FlushAcknowledgements();
        }
    }

    /// <summary>Hands what is held to the writer and wakes it.</summary>
    public void FlushAcknowledgements()
    {
        lock (_lock)
        {
            if (_held.Count == 0)
            {
                return;
            }

            if (_ready.Count == 0)
            {
                (_ready, _held) = (_held, _ready);
            }
            else
            {
                _ready.AddRange(_held);
                _held.Clear();
            }

            Interlocked.Increment(ref _handOvers);
            if (_signal.CurrentCount == 0)
            {
                _signal.Release();
            }
        }
    }

    /// <summary>Waits until something was handed over; false when cancelled.</summary>
    public async Task<bool> WaitAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _signal.WaitAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Takes everything handed over so far, in the order it was answered, into <paramref name="into"/> (emptied first).</summary>
    public void Take(List<ReadyAcknowledgement> into)
    {
        into.Clear();
        lock (_lock)
        {
            into.AddRange(_ready);
            _ready.Clear();
        }
    }

    /// <summary>
    /// Stops taking answers: moves everything handed over or held into <paramref name="into"/> (emptied first) and
    /// returns how many messages are left unanswered — those, plus the pushes still waiting for their commit.
    /// </summary>
    public int Close(List<ReadyAcknowledgement> into)
    {
        into.Clear();
        lock (_lock)
        {
            _closed = true;
            into.AddRange(_ready);
            into.AddRange(_held);
            _ready.Clear();
            _held.Clear();
            return into.Count + _awaiting;
        }
    }
}
