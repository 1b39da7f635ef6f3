using System.Collections.Concurrent;
using System.Threading.Channels;
using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.Mqtt.Links;

/// <summary>
/// Hands session responses arriving on meters' <c>up</c> topics to the link waiting for them, by (meter, client wPort):
/// at most one open session per meter and client association; each has a queue of at most
/// <see cref="QueueCapacity"/> APDUs (a response for nobody, or beyond that, is dropped and counted). Thread-safe.
/// </summary>
public sealed class MqttSessionRouter
{
    public const int QueueCapacity = 16;

    private readonly ConcurrentDictionary<(MeterSystemTitle Meter, ushort ClientWPort), Channel<ReadOnlyMemory<byte>>> _open = new();
    private long _unrouted;

    /// <summary>Responses dropped because no session waited for them or its queue was full.</summary>
    public long Unrouted => Interlocked.Read(ref _unrouted);

    /// <summary>Opens the inbox of a session; null when one is already open for that meter and association.</summary>
    public ChannelReader<ReadOnlyMemory<byte>>? TryOpen(MeterSystemTitle meter, ushort clientWPort)
    {
        var inbox = Channel.CreateBounded<ReadOnlyMemory<byte>>(new BoundedChannelOptions(QueueCapacity) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
        return _open.TryAdd((meter, clientWPort), inbox) ? inbox.Reader : null;
    }

    /// <summary>Closes a session's inbox.</summary>
    public void Close(MeterSystemTitle meter, ushort clientWPort)
    {
        if (_open.TryRemove((meter, clientWPort), out var inbox))
        {
            inbox.Writer.TryComplete();
        }
    }

    /// <summary>Delivers one response APDU; false (counted) when no session is open for it or its inbox is full.</summary>
    public bool Deliver(MeterSystemTitle meter, ushort clientWPort, ReadOnlyMemory<byte> apdu)
    {
        if (_open.TryGetValue((meter, clientWPort), out var inbox) && inbox.Writer.TryWrite(apdu))
        {
            return true;
        }

        Interlocked.Increment(ref _unrouted);
        return false;
    }
}
