namespace Meterline.Web.Live;

/// <summary>
/// One publisher, many bounded subscribers: each subscriber has a channel of <c>capacity</c> items that loses its
/// oldest when it falls behind, and at most <c>maxSubscribers</c> subscribe at once (beyond that
/// <see cref="TrySubscribe"/> returns null and the page goes without live updates). Publishing never blocks.
/// </summary>
public sealed class LiveBroadcast<T>(int maxSubscribers, int capacity)
{
    private readonly Lock _lock = new();
    private LiveSubscription<T>[] _subscribers = [];

    public int SubscriberCount => Volatile.Read(ref _subscribers).Length;

    public LiveSubscription<T>? TrySubscribe()
    {
        lock (_lock)
        {
            if (_subscribers.Length >= maxSubscribers)
            {
                return null;
            }

            var subscription = new LiveSubscription<T>(capacity, Unsubscribe);
            _subscribers = [.. _subscribers, subscription];
            return subscription;
        }
    }

    public void Publish(T item)
    {
        foreach (var subscriber in Volatile.Read(ref _subscribers))
        {
            subscriber.Write(item);
        }
    }

    private void Unsubscribe(LiveSubscription<T> subscription)
    {
        lock (_lock)
        {
            _subscribers = [.. _subscribers.Where(s => !ReferenceEquals(s, subscription))];
        }
    }
}
