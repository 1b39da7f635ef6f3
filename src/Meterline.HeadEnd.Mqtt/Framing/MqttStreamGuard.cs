namespace Meterline.HeadEnd.Mqtt.Framing;

/// <summary>
/// Watches one connection's inbound byte stream packet by packet, reading only fixed headers, and decides what may
/// reach the MQTT parser — so that nothing a client merely announces is ever allocated. Before the client has
/// authenticated, the first packet must be a CONNECT of at most <see cref="MqttStreamGuardOptions.MaxConnectPacketLength"/>
/// bytes, and the bytes after it are held until <see cref="Authenticated"/> is called; afterwards each packet may be at
/// most <see cref="MqttStreamGuardOptions.MaxPacketLength"/> bytes and a second CONNECT is refused (MQTT 5.0 §3.1).
/// A header is judged as soon as its Remaining Length is complete, before its last length byte is passed on. Sans-I/O;
/// not thread-safe (one reader per connection).
/// </summary>
public sealed class MqttStreamGuard
{
    private readonly MqttStreamGuardOptions _options;
    private readonly byte[] _header = new byte[MqttFixedHeader.MaxLength];
    private int _headerFill;
    private long _bodyLeft;
    private MqttPacketType _current;
    private bool _connectReceived;
    private long _packets;

    public MqttStreamGuard(MqttStreamGuardOptions? options = null)
    {
        _options = options ?? new MqttStreamGuardOptions();
        _options.Validate();
    }

    /// <summary>Whether the client's CONNECT was accepted (<see cref="Authenticated"/>).</summary>
    public bool IsAuthenticated { get; private set; }

    /// <summary>Whether a whole CONNECT packet has been passed on.</summary>
    public bool ConnectReceived => _connectReceived;

    /// <summary>Packets whose header was accepted.</summary>
    public long Packets => _packets;

    /// <summary>The client's CONNECT was accepted: held bytes may go on, and the larger packet limit applies.</summary>
    public void Authenticated() => IsAuthenticated = true;

    /// <summary>
    /// Inspects the next bytes of the stream (continuing where the last call stopped). On <see cref="MqttGuardStatus.Hold"/>
    /// the bytes after <see cref="MqttGuardResult.Passable"/> were not consumed: pass them again once authenticated.
    /// After a violation the guard must not be used again.
    /// </summary>
    public MqttGuardResult Inspect(ReadOnlySpan<byte> data)
    {
        var i = 0;
        while (i < data.Length)
        {
            if (_bodyLeft > 0)
            {
                var take = (int)Math.Min(_bodyLeft, data.Length - i);
                i += take;
                _bodyLeft -= take;
                if (_bodyLeft == 0)
                {
                    EndPacket();
                }

                continue;
            }

            if (_connectReceived && !IsAuthenticated)
            {
                return new MqttGuardResult(MqttGuardStatus.Hold, i);
            }

            _header[_headerFill++] = data[i++];
            MqttFixedHeader header;
            try
            {
                if (!MqttFixedHeader.TryDecode(_header.AsSpan(0, _headerFill), out header))
                {
                    continue;
                }
            }
            catch (MqttFormatException)
            {
                return MqttGuardResult.Refuse(MqttGuardViolation.Malformed);
            }

            _headerFill = 0;
            if (_packets == 0 && header.Type != MqttPacketType.Connect)
            {
                return MqttGuardResult.Refuse(MqttGuardViolation.NotConnectFirst);
            }

            if (_packets > 0 && header.Type == MqttPacketType.Connect)
            {
                return MqttGuardResult.Refuse(MqttGuardViolation.SecondConnect);
            }

            var limit = IsAuthenticated ? _options.MaxPacketLength : _options.MaxConnectPacketLength;
            if (header.PacketLength > limit)
            {
                return MqttGuardResult.Refuse(MqttGuardViolation.Oversize, header.PacketLength);
            }

            _packets++;
            _current = header.Type;
            _bodyLeft = header.RemainingLength;
            if (_bodyLeft == 0)
            {
                EndPacket();
            }
        }

        return new MqttGuardResult(MqttGuardStatus.Pass, i);
    }

    private void EndPacket()
    {
        if (_current == MqttPacketType.Connect)
        {
            _connectReceived = true;
        }
    }
}
