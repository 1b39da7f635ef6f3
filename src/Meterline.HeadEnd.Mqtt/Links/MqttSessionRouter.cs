using System.Collections.Concurrent;
using Meterline.Dlms.Links;
using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.Mqtt.Links;

/// <summary>
/// Hands session responses arriving on meters' <c>up</c> topics to the link waiting for them, by (meter, client wPort):
/// at most one open session per meter and client association, each with the bounded receive queue of its
/// <see cref="DatagramWrapperLink"/>. A response for no open session, or beyond its queue, is dropped and counted. Thread-safe.
/// </summary>
public sealed class MqttSessionRouter
{
    private readonly ConcurrentDictionary<(MeterSystemTitle Meter, ushort ClientWPort), DatagramWrapperLink> _open = new();
    private long _unrouted;

    /// <summary>Responses dropped because no session waited for them or its queue was full.</summary>
    public long Unrouted => Interlocked.Read(ref _unrouted);

    /// <summary>Sessions open now.</summary>
    public int Open => _open.Count;

    /// <summary>Registers a session's link; false when one is already open for that meter and association.</summary>
    public bool TryOpen(MeterSystemTitle meter, ushort clientWPort, DatagramWrapperLink link) => _open.TryAdd((meter, clientWPort), link);

    /// <summary>Unregisters a session's link (only that link).</summary>
    public void Close(MeterSystemTitle meter, ushort clientWPort, DatagramWrapperLink link) =>
        _open.TryRemove(new KeyValuePair<(MeterSystemTitle, ushort), DatagramWrapperLink>((meter, clientWPort), link));

    /// <summary>Delivers one response APDU; false (counted) when no session is open for it or its queue is full.</summary>
    public bool Deliver(MeterSystemTitle meter, ushort clientWPort, ReadOnlyMemory<byte> apdu)
    {
        if (_open.TryGetValue((meter, clientWPort), out var link) && link.TryDeliver(apdu))
        {
            return true;
        }

        Interlocked.Increment(ref _unrouted);
        return false;
    }
}
