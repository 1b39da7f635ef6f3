using Meterline.Web.Live;

namespace Meterline.Web.Tests.Units;

public sealed class LiveBroadcastTests
{
    [Fact]
    public void Publish_TwoSubscribers_EachGetsEveryItem()
    {
        var broadcast = new LiveBroadcast<int>(4, 10);
        using var first = broadcast.TrySubscribe()!;
        using var second = broadcast.TrySubscribe()!;

        broadcast.Publish(1);
        broadcast.Publish(2);

        Assert.Equal([1, 2], Drain(first));
        Assert.Equal([1, 2], Drain(second));
    }

    [Fact]
    public void Publish_SubscriberFull_OldestDroppedAndCounted()
    {
        var broadcast = new LiveBroadcast<int>(1, 2);
        using var subscriber = broadcast.TrySubscribe()!;

        for (var i = 1; i <= 5; i++)
        {
            broadcast.Publish(i);
        }

        Assert.Equal([4, 5], Drain(subscriber));
        Assert.Equal(3, subscriber.Dropped);
    }

    [Fact]
    public void TrySubscribe_AtTheLimit_NullUntilOneLeaves()
    {
        var broadcast = new LiveBroadcast<int>(1, 2);
        var first = broadcast.TrySubscribe();
        Assert.NotNull(first);
        Assert.Null(broadcast.TrySubscribe());

        first.Dispose();

        using var again = broadcast.TrySubscribe();
        Assert.NotNull(again);
        Assert.Equal(1, broadcast.SubscriberCount);
    }

    [Fact]
    public async Task Dispose_Subscriber_ItsReaderCompletes()
    {
        var broadcast = new LiveBroadcast<int>(1, 2);
        var subscriber = broadcast.TrySubscribe()!;
        subscriber.Dispose();
        broadcast.Publish(1);

        await subscriber.Reader.Completion.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(0, broadcast.SubscriberCount);
    }

    private static List<int> Drain(LiveSubscription<int> subscription)
    {
        var items = new List<int>();
        while (subscription.Reader.TryRead(out var item))
        {
            items.Add(item);
        }

        return items;
    }
}
