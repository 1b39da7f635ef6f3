using System.Buffers.Binary;
using System.Text;
using Meterline.Zigbee.Frames;

namespace Meterline.Zigbee.Emulator;

/// <summary>
/// The local AT command set of the emulated coordinator (Digi XBee Zigbee user guide, "AT commands"): AP, NP, SH, SL,
/// MY, NI, NT, ID, CH, VR, HV, AI, BD, AC and WR. ND is run by the coordinator. A parameter on a read-only command is
/// an error; an unknown command is <see cref="AtCommandStatus.InvalidCommand"/>. Queued (0x09) settings wait for AC.
/// </summary>
internal sealed class EmulatedAtCommands(EmulatedCoordinatorOptions options)
{
    private static readonly int[] StandardBaudRates = [1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200];

    private readonly Lock _lock = new();
    private XBeeApiMode _apiMode = options.ApiMode;
    private XBeeApiMode? _pendingApiMode;
    private string _nodeIdentifier = options.NodeIdentifier;
    private byte _nodeDiscoveryTimeout = options.NodeDiscoveryTimeout;
    private ulong _panId = options.PanId;

    public XBeeApiMode ApiMode
    {
        get
        {
            lock (_lock)
            {
                return _apiMode;
            }
        }
    }

    public byte NodeDiscoveryTimeout
    {
        get
        {
            lock (_lock)
            {
                return _nodeDiscoveryTimeout;
            }
        }
    }

    public string NodeIdentifier
    {
        get
        {
            lock (_lock)
            {
                return _nodeIdentifier;
            }
        }
    }

    /// <summary>Applies a mode switch once its response has gone out.</summary>
    public void SwitchTo(XBeeApiMode mode)
    {
        lock (_lock)
        {
            _apiMode = mode;
        }
    }

    public AtCommandResult Execute(string command, ReadOnlySpan<byte> parameter, bool queued)
    {
        lock (_lock)
        {
            var set = !parameter.IsEmpty;
            return command switch
            {
                "AP" => set ? SetApiMode(parameter, queued) : AtCommandResult.Ok((byte)_apiMode),
                "AC" => Apply(),
                "WR" => AtCommandResult.Ok(),
                "NP" => ReadOnly(set, UInt16((ushort)options.Link.MaxPayload)),
                "SH" => ReadOnly(set, UInt32(options.Address64.High)),
                "SL" => ReadOnly(set, UInt32(options.Address64.Low)),
                "MY" => ReadOnly(set, UInt16(XBeeAddress16.Coordinator.Value)),
                "CH" => ReadOnly(set, [options.Channel]),
                "VR" => ReadOnly(set, UInt16(options.FirmwareVersion)),
                "HV" => ReadOnly(set, UInt16(options.HardwareVersion)),
                "AI" => ReadOnly(set, [0x00]),
                "BD" => ReadOnly(set, UInt32(BaudRateParameter(options.BaudRate))),
                "NI" => set ? SetNodeIdentifier(parameter) : AtCommandResult.Ok(Encoding.Latin1.GetBytes(_nodeIdentifier)),
                "NT" => set ? SetNodeDiscoveryTimeout(parameter) : AtCommandResult.Ok(_nodeDiscoveryTimeout),
                "ID" => set ? SetPanId(parameter) : AtCommandResult.Ok(UInt64(_panId)),
                _ => AtCommandResult.Fail(AtCommandStatus.InvalidCommand),
            };
        }
    }

    private static AtCommandResult ReadOnly(bool set, byte[] value) =>
        set ? AtCommandResult.Fail(AtCommandStatus.Error) : AtCommandResult.Ok(value);

    private static uint BaudRateParameter(int baudRate)
    {
        var index = Array.IndexOf(StandardBaudRates, baudRate);
        return index >= 0 ? (uint)index : (uint)baudRate;
    }

    private AtCommandResult SetApiMode(ReadOnlySpan<byte> parameter, bool queued)
    {
        if (parameter.Length != 1 || parameter[0] > 2)
        {
            return AtCommandResult.Fail(AtCommandStatus.InvalidParameter);
        }

        var mode = (XBeeApiMode)parameter[0];
        if (queued)
        {
            _pendingApiMode = mode;
            return AtCommandResult.Ok();
        }

        _pendingApiMode = null;
        return new AtCommandResult(AtCommandStatus.Ok, [], mode);
    }

    private AtCommandResult Apply()
    {
        var mode = _pendingApiMode;
        _pendingApiMode = null;
        return new AtCommandResult(AtCommandStatus.Ok, [], mode);
    }

    private AtCommandResult SetNodeIdentifier(ReadOnlySpan<byte> parameter)
    {
        if (parameter.Length > 20 || parameter.ContainsAnyExceptInRange((byte)0x20, (byte)0x7E))
        {
            return AtCommandResult.Fail(AtCommandStatus.InvalidParameter);
        }

        _nodeIdentifier = Encoding.Latin1.GetString(parameter);
        return AtCommandResult.Ok();
    }

    private AtCommandResult SetNodeDiscoveryTimeout(ReadOnlySpan<byte> parameter)
    {
        if (parameter.Length != 1 || parameter[0] == 0)
        {
            return AtCommandResult.Fail(AtCommandStatus.InvalidParameter);
        }

        _nodeDiscoveryTimeout = parameter[0];
        return AtCommandResult.Ok();
    }

    private AtCommandResult SetPanId(ReadOnlySpan<byte> parameter)
    {
        if (parameter.Length > 8)
        {
            return AtCommandResult.Fail(AtCommandStatus.InvalidParameter);
        }

        Span<byte> padded = stackalloc byte[8];
        parameter.CopyTo(padded[(8 - parameter.Length)..]);
        _panId = BinaryPrimitives.ReadUInt64BigEndian(padded);
        return AtCommandResult.Ok();
    }

    private static byte[] UInt16(ushort value)
    {
        var bytes = new byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(bytes, value);
        return bytes;
    }

    private static byte[] UInt32(uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        return bytes;
    }

    private static byte[] UInt64(ulong value)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, value);
        return bytes;
    }
}
