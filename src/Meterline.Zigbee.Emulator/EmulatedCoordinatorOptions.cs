using Meterline.Zigbee.Frames;

namespace Meterline.Zigbee.Emulator;

/// <summary>The emulated module's settings: what its AT commands answer, and its radio.</summary>
public sealed record EmulatedCoordinatorOptions
{
    /// <summary>SH ‖ SL. The default has Digi's OUI, 0013A2.</summary>
    public XBeeAddress64 Address64 { get; init; } = new(0x0013A20040000001);

    /// <summary>AP at power-up: 1 or 2 (0, transparent, is accepted by ATAP but frames are then not answered).</summary>
    public XBeeApiMode ApiMode { get; init; } = XBeeApiMode.Api;

    public string NodeIdentifier { get; init; } = "COORDINATOR";

    /// <summary>ID, the 64-bit extended PAN id.</summary>
    public ulong PanId { get; init; } = 0x0000_0000_0000_2026;

    /// <summary>CH, the operating channel (0x0B-0x1A).</summary>
    public byte Channel { get; init; } = 0x0F;

    /// <summary>VR, the firmware version (a Zigbee coordinator API firmware).</summary>
    public ushort FirmwareVersion { get; init; } = 0x4060;

    /// <summary>HV, the hardware version.</summary>
    public ushort HardwareVersion { get; init; } = 0x2E41;

    /// <summary>NT, the node discovery time-out in 100 ms units (a real module accepts 0x20-0xFF; any 1-255 here).</summary>
    public byte NodeDiscoveryTimeout { get; init; } = 0x3C;

    /// <summary>The baud rate the host uses; accepted and reported, not throttled to.</summary>
    public int BaudRate { get; init; } = 9600;

    /// <summary>Modem statuses sent when the module starts.</summary>
    public IReadOnlyList<ModemStatusCode> StartupModemStatuses { get; init; } = [ModemStatusCode.HardwareReset, ModemStatusCode.JoinedNetwork];

    public LinkModel Link { get; init; } = new();

    /// <summary>Payloads queued per node for the meter to read; more are counted and dropped.</summary>
    public int NodeReceiveQueueCapacity { get; init; } = 256;

    /// <summary>Transmit and remote AT requests queued for the radio; more are answered with a resource error.</summary>
    public int RadioQueueCapacity { get; init; } = 64;

    /// <summary>Attempts per segment a node's message layer makes (its application retries).</summary>
    public int NodeMessageRetries { get; init; } = 5;

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(NodeIdentifier);
        ArgumentNullException.ThrowIfNull(StartupModemStatuses);
        ArgumentNullException.ThrowIfNull(Link);
        Link.Validate();
        ArgumentOutOfRangeException.ThrowIfLessThan(NodeDiscoveryTimeout, (byte)1);
        ArgumentOutOfRangeException.ThrowIfLessThan(BaudRate, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(NodeReceiveQueueCapacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(RadioQueueCapacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(NodeMessageRetries, 0);
    }
}
