using System.Net;
using System.Net.Sockets;
using System.Text;
using Meterline.Dlms.Wrapper;
using Meterline.HeadEnd.Mqtt.Framing;
using Meterline.Simulator.Provisioning;

namespace Meterline.LoadHarness;

/// <summary>
/// The fleet as lean MQTT meters: one TCP connection per meter speaking just the MQTT 5.0 it needs — CONNECT (§3.1,
/// clean start, the meter's system title as client id and user name, its provisioned password), QoS 1 PUBLISH (§3.3)
/// of its recorded pushes as wrapper frames to <c>meterline/{title}/up</c>, PUBACK (§3.4) — with up to <c>window</c>
/// publishes in flight per meter. Every PUBLISH is encoded before the clock starts, so a message costs the publisher one
/// send and its share of a receive: the figure measures the broker and the head-end, not 2,000 full MQTT clients.
/// </summary>
internal sealed class RawMqttPublishers : IMqttPublishers
{
    /// <summary>Connects in progress at once (the node's gate admits at most 1,000 unauthenticated connections).</summary>
    private const int ConnectConcurrency = 32;

    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(60);

    private readonly Socket[] _sockets;
    private readonly byte[][][] _packets;

    private RawMqttPublishers(Socket[] sockets, byte[][][] packets)
    {
        _sockets = sockets;
        _packets = packets;
    }

    public static async Task<RawMqttPublishers> ConnectAsync(IPEndPoint broker, IReadOnlyList<ProvisionedMeter> meters, IReadOnlyList<IReadOnlyList<byte[]>> byMeter, CancellationToken cancellationToken)
    {
        var sockets = new Socket[meters.Count];
        var packets = new byte[meters.Count][][];
        using var gate = new SemaphoreSlim(ConnectConcurrency);
        try
        {
            await Task.WhenAll(meters.Select(async (meter, i) =>
            {
                var title = meter.SystemTitle.ToString();
                var topic = Encoding.UTF8.GetBytes($"meterline/{title}/up");
                packets[i] = [.. byMeter[i].Select((apdu, n) => Publish(topic, PacketId(n), new WrapperFrame(1, 1, apdu).ToArray()))];
                await gate.WaitAsync(cancellationToken);
                try
                {
                    sockets[i] = await OpenAsync(broker, title, meter.MqttPassword ?? throw new InvalidOperationException($"Meter {meter.Id} has no MQTT password."), cancellationToken);
                }
                finally
                {
                    gate.Release();
                }
            }));
        }
        catch
        {
            foreach (var socket in sockets)
            {
                socket?.Dispose();
            }

            throw;
        }

        return new RawMqttPublishers(sockets, packets);
    }

    /// <inheritdoc />
    public Task PublishAllAsync(IReadOnlyList<IReadOnlyList<byte[]>> byMeter, int window, AckLog log, CancellationToken cancellationToken) =>
        Task.WhenAll(Enumerable.Range(0, _sockets.Length).Select(m => PublishMeterAsync(_sockets[m], _packets[m], window, log, cancellationToken)));

    public async ValueTask DisposeAsync()
    {
        foreach (var socket in _sockets)
        {
            try
            {
                // DISCONNECT, normal (§3.14).
                await socket.SendAsync(new byte[] { 0xE0, 0x00 }, SocketFlags.None).WaitAsync(TimeSpan.FromSeconds(5));
            }
            catch (Exception e) when (e is SocketException or TimeoutException or ObjectDisposedException)
            {
                // The broker went first.
            }

            socket.Dispose();
        }
    }

    /// <summary>Packet identifiers 1 to 65,535 in turn (§2.2.1: never 0).</summary>
    private static ushort PacketId(int n) => (ushort)(n % ushort.MaxValue + 1);

    private static async Task<Socket> OpenAsync(IPEndPoint broker, string title, string password, CancellationToken cancellationToken)
    {
        var socket = new Socket(broker.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(ConnectTimeout);
            await socket.ConnectAsync(broker, timeout.Token);
            await socket.SendAsync(Connect(title, title, password), SocketFlags.None, timeout.Token);
            var reader = new PacketReader(socket);
            var (header, body) = await reader.ReadAsync(timeout.Token);
            // CONNACK (§3.2): acknowledge flags, then the reason code; 0 is success.
            if (header.Type != MqttPacketType.ConnAck || body.Length < 2 || body[1] != 0)
            {
                throw new InvalidOperationException($"Meter {title} was refused by the broker: {header.Type} reason {(body.Length > 1 ? body[1] : -1)}");
            }

            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static async Task PublishMeterAsync(Socket socket, byte[][] packets, int window, AckLog log, CancellationToken cancellationToken)
    {
        using var inFlight = new SemaphoreSlim(window);
        var sent = new long[packets.Length];
        var reading = ReadAcknowledgementsAsync(socket, sent, inFlight, log, cancellationToken);
        try
        {
            for (var n = 0; n < packets.Length; n++)
            {
                await inFlight.WaitAsync(cancellationToken);
                if (reading.IsCompleted)
                {
                    break;
                }

                sent[n] = AckLog.Now();
                await socket.SendAsync(packets[n], SocketFlags.None, cancellationToken);
            }
        }
        catch (SocketException)
        {
            // The broker closed the connection: what was not acknowledged is counted as lost below.
        }

        var acknowledged = await reading;
        for (var n = acknowledged; n < packets.Length; n++)
        {
            log.OnAcknowledged(0, success: false);
        }
    }

    /// <summary>Reads PUBACKs (in order: a broker acknowledges one connection's QoS 1 publishes in the order sent) until every publish is answered or the connection ends; returns how many were answered.</summary>
    private static async Task<int> ReadAcknowledgementsAsync(Socket socket, long[] sent, SemaphoreSlim inFlight, AckLog log, CancellationToken cancellationToken)
    {
        await Task.Yield();
        var reader = new PacketReader(socket);
        var answered = 0;
        try
        {
            while (answered < sent.Length)
            {
                var (header, body) = await reader.ReadAsync(cancellationToken);
                if (header.Type != MqttPacketType.PubAck || body.Length < 2)
                {
                    continue;
                }

                // PUBACK (§3.4): packet identifier, then a reason code when the remaining length is over 2; 0x80 and above is a failure.
                var success = body.Length < 3 || body[2] < 0x80;
                log.OnAcknowledged(sent[answered], success);
                answered++;
                inFlight.Release();
            }
        }
        catch (Exception e) when (e is SocketException or EndOfStreamException or MqttFormatException)
        {
            // The connection ended: every wait of the sender ends, and it stops at its next publish.
            inFlight.Release(sent.Length);
        }

        return answered;
    }

    /// <summary>CONNECT (MQTT 5.0 §3.1): protocol name and level 5, flags user name + password + clean start, keep alive 120 s, no properties.</summary>
    private static byte[] Connect(string clientId, string userName, string password)
    {
        var body = new List<byte> { 0x00, 0x04, (byte)'M', (byte)'Q', (byte)'T', (byte)'T', 0x05, 0xC2, 0x00, 0x78, 0x00 };
        foreach (var field in new[] { clientId, userName, password })
        {
            var bytes = Encoding.UTF8.GetBytes(field);
            body.Add((byte)(bytes.Length >> 8));
            body.Add((byte)bytes.Length);
            body.AddRange(bytes);
        }

        return Packet(MqttPacketType.Connect, 0, [.. body]);
    }

    /// <summary>PUBLISH at QoS 1 (flags 0b0010, §3.3.1): topic name, packet identifier, no properties, the payload.</summary>
    private static byte[] Publish(byte[] topic, ushort packetId, byte[] payload)
    {
        var body = new byte[2 + topic.Length + 2 + 1 + payload.Length];
        body[0] = (byte)(topic.Length >> 8);
        body[1] = (byte)topic.Length;
        topic.CopyTo(body, 2);
        body[2 + topic.Length] = (byte)(packetId >> 8);
        body[3 + topic.Length] = (byte)packetId;
        payload.CopyTo(body, 5 + topic.Length);
        return Packet(MqttPacketType.Publish, 0b0010, body);
    }

    private static byte[] Packet(MqttPacketType type, byte flags, byte[] body)
    {
        var header = new byte[MqttFixedHeader.MaxLength];
        var length = MqttFixedHeader.Encode(header, type, flags, body.Length);
        return [.. header.AsSpan(0, length), .. body];
    }

    /// <summary>Whole MQTT packets from a socket, through one receive buffer.</summary>
    private sealed class PacketReader(Socket socket)
    {
        private readonly byte[] _buffer = new byte[16 * 1024];
        private int _start;
        private int _end;

        public async Task<(MqttFixedHeader Header, byte[] Body)> ReadAsync(CancellationToken cancellationToken)
        {
            while (true)
            {
                if (MqttFixedHeader.TryDecode(_buffer.AsSpan(_start, _end - _start), out var header) && header.PacketLength <= _end - _start)
                {
                    var body = _buffer.AsSpan(_start + header.Length, header.RemainingLength).ToArray();
                    _start += (int)header.PacketLength;
                    return (header, body);
                }

                if (_start > 0)
                {
                    _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
                    _end -= _start;
                    _start = 0;
                }

                if (_end == _buffer.Length)
                {
                    throw new MqttFormatException("A packet larger than the publisher's receive buffer.");
                }

                var read = await socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, cancellationToken);
                if (read == 0)
                {
                    throw new EndOfStreamException();
                }

                _end += read;
            }
        }
    }
}
