using System.Threading.Channels;

namespace Meterline.HeadEnd.Northbound;

/// <summary>
/// The outbox's size as this node sees it (the writers add, the relay subtracts and recounts from the database now and
/// then), the bound writers reserve against, and the signal that wakes the relay when rows were added.
/// </summary>
public sealed class OutboxGauge
{
    private readonly Channel<bool> _appended = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { SingleReader = true, FullMode = BoundedChannelFullMode.DropWrite });
    private long _count;

    public OutboxGauge(long maxMessages)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessages, 1);
        MaxMessages = maxMessages;
    }

    public long MaxMessages { get; }

    public long Count => Interlocked.Read(ref _count);

    /// <summary>Reserves room for <paramref name="messages"/>; false (nothing reserved) when the outbox would pass <see cref="MaxMessages"/>.</summary>
    public bool TryReserve(int messages)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(messages);
        while (true)
        {
            var count = Interlocked.Read(ref _count);
            if (count + messages > MaxMessages)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _count, count + messages, count) == count)
            {
                return true;
            }
        }
    }

    /// <summary>Gives back a reservation whose write failed.</summary>
    public void Release(int messages) => Interlocked.Add(ref _count, -messages);

    /// <summary>Rows were added without a reservation (command results, which are never refused).</summary>
    public void Added(int messages) => Interlocked.Add(ref _count, messages);

    /// <summary>The reserved rows were committed: wakes the relay.</summary>
    public void Appended() => _appended.Writer.TryWrite(true);

    /// <summary>The relay deleted rows (with several nodes, also rows other nodes wrote: never below zero until the next count).</summary>
    public void Removed(int messages)
    {
        while (true)
        {
            var count = Interlocked.Read(ref _count);
            if (Interlocked.CompareExchange(ref _count, Math.Max(0, count - messages), count) == count)
            {
                return;
            }
        }
    }

    /// <summary>The count read from the database.</summary>
    public void Set(long count) => Interlocked.Exchange(ref _count, count);

    /// <summary>Waits until rows were appended since the last wait, or <paramref name="timeout"/>.</summary>
    public async Task WaitForAppendAsync(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(time);
        using var timer = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        try
        {
            await _appended.Reader.ReadAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The poll interval passed without a write.
        }
    }
}
