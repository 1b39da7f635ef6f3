using Meterline.Dlms.Cosem;
using Meterline.Meter.Push;

namespace Meterline.Meter.Tests.Push;

public sealed class PushQueueTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly ObisCode Usage = new(0, 0, 25, 9, 0, 255);
    private static readonly ObisCode Alert = new(0, 4, 25, 9, 0, 255);

    [Fact]
    public void TryTakeDue_AlertQueuedAfterUsage_GoesFirst()
    {
        var queue = new PushQueue();
        queue.Enqueue(Usage, T0, new CosemData.Unsigned(1), false, T0);
        queue.Enqueue(Usage, T0, new CosemData.Unsigned(2), false, T0);
        queue.Enqueue(Alert, T0, new CosemData.Unsigned(3), true, T0);

        Assert.True(queue.TryTakeDue(T0, out var first));
        Assert.True(first.IsAlert);
        Assert.True(queue.TryTakeDue(T0, out var second));
        Assert.Equal(new CosemData.Unsigned(1), second.Body);
    }

    [Fact]
    public void Enqueue_Full_DropsTheOldestUsageNotAnAlert()
    {
        var queue = new PushQueue(capacity: 3);
        queue.Enqueue(Alert, T0, new CosemData.Unsigned(0), true, T0);
        queue.Enqueue(Usage, T0, new CosemData.Unsigned(1), false, T0);
        queue.Enqueue(Usage, T0, new CosemData.Unsigned(2), false, T0);
        queue.Enqueue(Usage, T0, new CosemData.Unsigned(3), false, T0);

        Assert.Equal(3, queue.Count);
        Assert.Equal(1, queue.Dropped);
        var bodies = Drain(queue).Select(p => ((CosemData.Unsigned)p.Body).Value).ToList();
        Assert.Equal([0, 2, 3], bodies);
    }

    [Fact]
    public void Complete_Failed_RetriesAfterTheRepetitionDelayThenParks()
    {
        var queue = new PushQueue { ParkingDelay = TimeSpan.FromMinutes(15) };
        queue.Enqueue(Usage, T0, new CosemData.Unsigned(1), false, T0);
        var now = T0;
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            Assert.True(queue.TryTakeDue(now, out var push));
            Assert.Equal(attempt, push.Attempts);
            Assert.True(queue.Complete(push.Sequence, delivered: false, now, TimeSpan.FromSeconds(30), numberOfRetries: 2));
            Assert.False(queue.TryTakeDue(now, out _));
            now += attempt < 3 ? TimeSpan.FromSeconds(30) : TimeSpan.FromMinutes(15);
        }

        Assert.Equal(T0 + TimeSpan.FromSeconds(60) + TimeSpan.FromMinutes(15), queue.NextDue);
        Assert.True(queue.TryTakeDue(now, out var parked));
        Assert.Equal(1, parked.Attempts);
        Assert.True(queue.Complete(parked.Sequence, delivered: true, now, TimeSpan.Zero, 0));
        Assert.Equal(0, queue.Count);
        Assert.Equal(1, queue.Delivered);
        Assert.Equal(3, queue.FailedAttempts);
    }

    [Fact]
    public void Complete_Failed_KeepsTheOrderByAge()
    {
        var queue = new PushQueue();
        queue.Enqueue(Usage, T0, new CosemData.Unsigned(1), false, T0);
        queue.Enqueue(Usage, T0, new CosemData.Unsigned(2), false, T0);
        Assert.True(queue.TryTakeDue(T0, out var first));
        queue.Complete(first.Sequence, delivered: false, T0, TimeSpan.Zero, numberOfRetries: 3);

        Assert.Equal([1, 2], Drain(queue).Select(p => (int)((CosemData.Unsigned)p.Body).Value));
    }

    [Fact]
    public void Defer_PutsThePushBackWithoutCountingAnAttempt()
    {
        var queue = new PushQueue();
        queue.Enqueue(Usage, T0, new CosemData.Unsigned(1), false, T0);
        Assert.True(queue.TryTakeDue(T0, out var push));

        Assert.True(queue.Defer(push.Sequence, T0.AddMinutes(1)));

        Assert.Equal(0, queue.FailedAttempts);
        Assert.False(queue.TryTakeDue(T0, out _));
        Assert.True(queue.TryTakeDue(T0.AddMinutes(1), out var again));
        Assert.Equal(1, again.Attempts);
        Assert.False(queue.Defer(42, T0));
    }

    [Fact]
    public void Complete_UnknownSequence_ReturnsFalse() =>
        Assert.False(new PushQueue().Complete(42, delivered: true, T0, TimeSpan.Zero, 0));

    private static List<PendingPush> Drain(PushQueue queue)
    {
        var taken = new List<PendingPush>();
        while (queue.TryTakeDue(DateTimeOffset.MaxValue, out var push))
        {
            taken.Add(push);
        }

        return taken;
    }
}
