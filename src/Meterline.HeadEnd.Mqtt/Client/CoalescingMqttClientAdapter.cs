using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using MQTTnet;
using MQTTnet.Adapter;
using MQTTnet.Channel;
using MQTTnet.Diagnostics.Logger;
using MQTTnet.Exceptions;
using MQTTnet.Formatter;
using MQTTnet.Packets;

namespace Meterline.HeadEnd.Mqtt.Client;

/// <summary>
/// The external-broker consumer's connection as MQTTnet's client uses it: MQTTnet's own <see cref="MqttChannelAdapter"/>
/// for connecting and reading, and for sending outside a gather; between <see cref="BeginGather"/> and
/// <see cref="EndGatherAsync"/> every PUBACK sent (the PUBACKs of one commit) is encoded into one buffer and written
/// to the channel in one write when the gather ends — MQTTnet writes each packet on its own, a <c>sendto</c> per
/// PUBACK. Any other packet sent meanwhile first writes what was gathered, then itself as MQTTnet would. The gathered
/// bytes are bounded (<see cref="MaxGatheredBytes"/>: written early when more). Every write to the channel, gathered
/// or not, is made under one lock, so packets never interleave and keep the order they were sent in.
/// </summary>
internal sealed class CoalescingMqttClientAdapter : IMqttChannelAdapter
{
    /// <summary>Gathered bytes beyond this are written at once (the gather goes on).</summary>
    public const int MaxGatheredBytes = 64 * 1024;

    private readonly IMqttChannel _channel;
    private readonly MqttChannelAdapter _inner;
    private readonly MqttPacketFormatterAdapter _encoder;
    [SuppressMessage("Reliability", "CA2213:Disposable fields should be disposed", Justification = "Its wait handle is never asked for; a send in flight at disposal must still be able to release it.")]
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly ArrayBufferWriter<byte> _gathered = new(4096);
    private bool _gathering;
    private long _writes;
    private long _gatheredWrites;
    private long _gatheredPackets;
    private long _gatheredBytesSent;

    public CoalescingMqttClientAdapter(IMqttChannel channel, MqttClientOptions options, MqttPacketInspector? inspector, IMqttNetLogger logger)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(options);
        _channel = channel;
        _inner = new MqttChannelAdapter(channel, new MqttPacketFormatterAdapter(options.ProtocolVersion, new MqttBufferWriter(options.WriterBufferSize, options.WriterBufferSizeMax)), logger)
        {
            AllowPacketFragmentation = options.AllowPacketFragmentation,
            PacketInspector = inspector,
        };
        // Its own encoder: the inner adapter's is used by its sends, under the same lock but with its own buffers.
        _encoder = new MqttPacketFormatterAdapter(options.ProtocolVersion, new MqttBufferWriter(options.WriterBufferSize, options.WriterBufferSizeMax));
    }

    /// <summary>Writes made to the channel (each a socket write): sends outside a gather, and gathers' writes.</summary>
    public long Writes => Interlocked.Read(ref _writes);

    /// <summary>Writes that carried gathered packets.</summary>
    public long GatheredWrites => Interlocked.Read(ref _gatheredWrites);

    /// <summary>Packets sent in gathers.</summary>
    public long GatheredPackets => Interlocked.Read(ref _gatheredPackets);

    public long BytesReceived => _inner.BytesReceived;

    public long BytesSent => _inner.BytesSent + Interlocked.Read(ref _gatheredBytesSent);

    public X509Certificate2 ClientCertificate => _inner.ClientCertificate;

    public EndPoint RemoteEndPoint => _inner.RemoteEndPoint;

    public EndPoint LocalEndPoint => _inner.LocalEndPoint;

    public bool IsSecureConnection => _inner.IsSecureConnection;

    public MqttPacketFormatterAdapter PacketFormatterAdapter => _inner.PacketFormatterAdapter;

    /// <summary>From now on, PUBACKs sent are gathered until <see cref="EndGatherAsync"/>.</summary>
    public void BeginGather() => Volatile.Write(ref _gathering, true);

    /// <summary>Ends the gather and writes what it gathered in one write (none when nothing was sent).</summary>
    /// <returns>Whether a write was made.</returns>
    public async Task<bool> EndGatherAsync(CancellationToken cancellationToken)
    {
        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _gathering = false;
            return await WriteGatheredAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    public async Task SendPacketAsync(MqttPacket packet, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(packet);
        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (packet is not MqttPubAckPacket || !Volatile.Read(ref _gathering))
            {
                // Any other packet (or any packet outside a gather) goes after what was gathered, on its own, as
                // MQTTnet sends it: the buffer only ever holds PUBACKs, a few bytes each.
                await WriteGatheredAsync(cancellationToken).ConfigureAwait(false);
                Interlocked.Increment(ref _writes);
                await _inner.SendPacketAsync(packet, cancellationToken).ConfigureAwait(false);
                return;
            }

            try
            {
                var buffer = _encoder.Encode(packet);
                _gathered.Write(buffer.Packet.AsSpan());
                foreach (var segment in buffer.Payload)
                {
                    _gathered.Write(segment.Span);
                }
            }
            finally
            {
                _encoder.Cleanup();
            }

            Interlocked.Increment(ref _gatheredPackets);
            if (_gathered.WrittenCount >= MaxGatheredBytes)
            {
                await WriteGatheredAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _sendLock.Release();
        }
    }

    public Task ConnectAsync(CancellationToken cancellationToken) => _inner.ConnectAsync(cancellationToken);

    public Task DisconnectAsync(CancellationToken cancellationToken) => _inner.DisconnectAsync(cancellationToken);

    public Task<MqttPacket> ReceivePacketAsync(CancellationToken cancellationToken) => _inner.ReceivePacketAsync(cancellationToken);

    public void ResetStatistics()
    {
        _inner.ResetStatistics();
        Interlocked.Exchange(ref _gatheredBytesSent, 0);
    }

    public void Dispose() => _inner.Dispose();

    /// <summary>Writes the gathered bytes (under the send lock); a broken connection is reported as MQTTnet reports it.</summary>
    private async Task<bool> WriteGatheredAsync(CancellationToken cancellationToken)
    {
        if (_gathered.WrittenCount == 0)
        {
            return false;
        }

        var length = _gathered.WrittenCount;
        try
        {
            Interlocked.Increment(ref _writes);
            Interlocked.Increment(ref _gatheredWrites);
            await _channel.WriteAsync(new ReadOnlySequence<byte>(_gathered.WrittenMemory), true, cancellationToken).ConfigureAwait(false);
            Interlocked.Add(ref _gatheredBytesSent, length);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            throw new MqttCommunicationException(e);
        }
        finally
        {
            _gathered.ResetWrittenCount();
        }

        return true;
    }
}
