namespace Meterline.Meter.Push;

/// <summary>
/// A meter's bounded queue of pushes not yet acknowledged. Alerts go ahead of usage data. When the queue is full
/// the oldest usage push is dropped and counted (its data stays in the load profile, from which the head-end
/// back-fills by range); an alert is dropped only when the queue holds nothing but alerts. A failed attempt is
/// retried after the push setup's repetition delay; after the push setup's number of retries the push is kept and
/// tried again after <see cref="ParkingDelay"/> — nothing is given up while there is room. One attempt at a time per
/// push. Not thread-safe: the meter serialises access.
/// </summary>
public sealed class PushQueue
{
    private readonly LinkedList<PendingPush> _queue = new();
    private readonly Dictionary<long, PendingPush> _inFlight = [];
    private long _nextSequence;

    public PushQueue(int capacity = 512)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
    }

    public int Capacity { get; }

    /// <summary>How long a push waits after its retries ran out before it is tried again.</summary>
    public TimeSpan ParkingDelay { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>Pushes waiting or in flight.</summary>
    public int Count => _queue.Count + _inFlight.Count;

    /// <summary>Usage pushes dropped because the queue was full.</summary>
    public long Dropped { get; private set; }

    /// <summary>Alerts dropped because the queue was full of alerts.</summary>
    public long DroppedAlerts { get; private set; }

    public long Delivered { get; private set; }

    public long FailedAttempts { get; private set; }

    /// <summary>Adds a push, due at once.</summary>
    public PendingPush Enqueue(Dlms.Cosem.ObisCode pushSetup, DateTimeOffset created, Dlms.Cosem.CosemData body, bool isAlert, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (Count >= Capacity)
        {
            MakeRoom();
        }

        var push = new PendingPush(++_nextSequence, pushSetup, created, body, isAlert) { NotBefore = now };
        if (isAlert)
        {
            // Alerts go ahead of usage data, behind earlier alerts.
            var node = _queue.First;
            while (node is not null && node.Value.IsAlert)
            {
                node = node.Next;
            }

            if (node is null)
            {
                _queue.AddLast(push);
            }
            else
            {
                _queue.AddBefore(node, push);
            }
        }
        else
        {
            _queue.AddLast(push);
        }

        return push;
    }

    /// <summary>Takes the first push due at <paramref name="now"/> for an attempt; it stays in flight until completed.</summary>
    public bool TryTakeDue(DateTimeOffset now, out PendingPush push)
    {
        for (var node = _queue.First; node is not null; node = node.Next)
        {
            if (node.Value.NotBefore <= now)
            {
                push = node.Value with { Attempts = node.Value.Attempts + 1 };
                _queue.Remove(node);
                _inFlight[push.Sequence] = push;
                return true;
            }
        }

        push = null!;
        return false;
    }

    /// <summary>The earliest time a waiting push becomes due, if any is waiting.</summary>
    public DateTimeOffset? NextDue => _queue.Count == 0 ? null : _queue.Min(p => p.NotBefore);

    /// <summary>The push setup of a push in flight.</summary>
    public bool TryGetInFlight(long sequence, out PendingPush push) => _inFlight.TryGetValue(sequence, out push!);

    /// <summary>Ends an attempt: delivered pushes leave the queue; failed ones wait for their next attempt.</summary>
    /// <returns>False when the push was not in flight.</returns>
    public bool Complete(long sequence, bool delivered, DateTimeOffset now, TimeSpan repetitionDelay, int numberOfRetries)
    {
        if (!_inFlight.Remove(sequence, out var push))
        {
            return false;
        }

        if (delivered)
        {
            Delivered++;
            return true;
        }

        FailedAttempts++;
        var retriesLeft = push.Attempts <= numberOfRetries;
        Reinsert(push with { NotBefore = now + (retriesLeft ? repetitionDelay : ParkingDelay), Attempts = retriesLeft ? push.Attempts : 0 });
        return true;
    }

    /// <summary>
    /// Puts a push taken for an attempt back unsent, due at <paramref name="until"/> (outside its communication
    /// window, or the meter without power): no attempt was made, so none is counted.
    /// </summary>
    /// <returns>False when the push was not in flight.</returns>
    public bool Defer(long sequence, DateTimeOffset until)
    {
        if (!_inFlight.Remove(sequence, out var push))
        {
            return false;
        }

        Reinsert(push with { NotBefore = until, Attempts = push.Attempts - 1 });
        return true;
    }

    /// <summary>Back in its place by age, so that the oldest data goes first (alerts ahead of usage).</summary>
    private void Reinsert(PendingPush push)
    {
        if (Count >= Capacity)
        {
            MakeRoom();
        }

        var node = _queue.First;
        while (node is not null && (node.Value.IsAlert && !push.IsAlert || node.Value.IsAlert == push.IsAlert && node.Value.Sequence < push.Sequence))
        {
            node = node.Next;
        }

        if (node is null)
        {
            _queue.AddLast(push);
        }
        else
        {
            _queue.AddBefore(node, push);
        }
    }

    private void MakeRoom()
    {
        for (var node = _queue.First; node is not null; node = node.Next)
        {
            if (!node.Value.IsAlert)
            {
                _queue.Remove(node);
                Dropped++;
                return;
            }
        }

        if (_queue.First is { } oldest)
        {
            _queue.Remove(oldest);
            DroppedAlerts++;
        }
    }
}
