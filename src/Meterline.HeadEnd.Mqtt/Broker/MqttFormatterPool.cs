using MQTTnet.Exceptions;
using MQTTnet.Formatter;

namespace Meterline.HeadEnd.Mqtt.Broker;

/// <summary>
/// MQTTnet's packet formatters (encoder, decoder and their buffers), shared by every connection of a broker: a
/// connection rents one of its protocol version for the time it decodes a packet or encodes and writes one, instead of
/// holding its own for its life (an MQTT 5 formatter alone carries a 1 KiB properties buffer; BENCHMARKS.md, "Memory
/// per connected meter"). At most <see cref="MaxIdlePerVersion"/> idle formatters are kept per version, each buffer
/// trimmed back to <see cref="BufferLength"/> when it grew past <see cref="MaxKeptBufferLength"/>. Thread-safe.
/// </summary>
internal sealed class MqttFormatterPool
{
    /// <summary>Idle formatters kept per protocol version; more are made when more connections encode at once.</summary>
    public const int MaxIdlePerVersion = 32;

    /// <summary>The first size of a formatter's outgoing buffer (it doubles for larger packets).</summary>
    public const int BufferLength = 4096;

    /// <summary>A buffer grown past this is trimmed back when its formatter returns.</summary>
    public const int MaxKeptBufferLength = 65_536;

    private static readonly MqttProtocolVersion[] Versions = [MqttProtocolVersion.V310, MqttProtocolVersion.V311, MqttProtocolVersion.V500];

    private readonly Stack<MqttPacketFormatterAdapter>[] _idle = [new(), new(), new()];
    private readonly MqttPacketFormatterAdapter[] _versionOnly = new MqttPacketFormatterAdapter[Versions.Length + 1];
    private long _made;

    public MqttFormatterPool()
    {
        _versionOnly[0] = new MqttPacketFormatterAdapter(new MqttBufferWriter(16, 16));
        for (var i = 0; i < Versions.Length; i++)
        {
            _versionOnly[i + 1] = new MqttPacketFormatterAdapter(Versions[i], new MqttBufferWriter(16, 16));
        }
    }

    /// <summary>Formatters made so far (idle or rented).</summary>
    public long Made => Interlocked.Read(ref _made);

    /// <summary>Idle formatters of <paramref name="version"/> now.</summary>
    public int Idle(MqttProtocolVersion version)
    {
        var idle = _idle[IndexOf(version)];
        lock (idle)
        {
            return idle.Count;
        }
    }

    /// <summary>
    /// A formatter that only tells <paramref name="version"/> (<see cref="MqttProtocolVersion.Unknown"/> included), one per
    /// version for every connection: what a connection shows MQTTnet's server as its
    /// <c>IMqttChannelAdapter.PacketFormatterAdapter</c>, of which the server reads only the protocol version. Never
    /// used to encode or decode.
    /// </summary>
    public MqttPacketFormatterAdapter VersionOnly(MqttProtocolVersion version) =>
        version == MqttProtocolVersion.Unknown ? _versionOnly[0] : _versionOnly[IndexOf(version) + 1];

    /// <summary>The protocol version a connection's first packet (its CONNECT) declares; throws when it is not a CONNECT of a known version.</summary>
    public MqttProtocolVersion Detect(MQTTnet.Adapter.ReceivedMqttPacket connect)
    {
        var formatter = new MqttPacketFormatterAdapter(new MqttBufferWriter(BufferLength, MaxKeptBufferLength));
        formatter.DetectProtocolVersion(connect);
        Interlocked.Increment(ref _made);
        // Detecting made the version's formatter: keep it for the next rent.
        Return(formatter);
        return formatter.ProtocolVersion;
    }

    /// <summary>A formatter of <paramref name="version"/>, for one packet; give it back with <see cref="Return"/>.</summary>
    public MqttPacketFormatterAdapter Rent(MqttProtocolVersion version)
    {
        var idle = _idle[IndexOf(version)];
        lock (idle)
        {
            if (idle.TryPop(out var formatter))
            {
                return formatter;
            }
        }

        Interlocked.Increment(ref _made);
        return new MqttPacketFormatterAdapter(version, new MqttBufferWriter(BufferLength, MaxKeptBufferLength));
    }

    /// <summary>Takes a rented formatter back (its encoded bytes are no longer in use); dropped when enough are idle.</summary>
    public void Return(MqttPacketFormatterAdapter formatter)
    {
        formatter.Cleanup();
        var idle = _idle[IndexOf(formatter.ProtocolVersion)];
        lock (idle)
        {
            if (idle.Count < MaxIdlePerVersion)
            {
                idle.Push(formatter);
            }
        }
    }

    private static int IndexOf(MqttProtocolVersion version) => version switch
    {
        MqttProtocolVersion.V310 => 0,
        MqttProtocolVersion.V311 => 1,
        MqttProtocolVersion.V500 => 2,
        _ => throw new MqttProtocolViolationException($"MQTT protocol version {version} is not supported."),
    };
}
