using Meterline.Gateway;
using Meterline.Zigbee;

namespace Meterline.HeadEnd.Zigbee;

/// <summary>The head-end's own coordinator: where it is (<c>--zigbee-serial</c>, <c>--zigbee-baud</c>) and the bounds of what runs over it.</summary>
public sealed record LocalZigbeeNetworkOptions
{
    /// <summary>The coordinator's serial device, e.g. /dev/ttyUSB0 (any /dev/tty* path, including a pseudo-terminal).</summary>
    public required string SerialPort { get; init; }

    /// <summary>Serial speed (8N1, no handshake), 1,200 to 1,000,000; the module's default is 9,600.</summary>
    public int BaudRate { get; init; } = XBeeSerialPort.DefaultBaudRate;

    /// <summary>Ask the network for its nodes (<c>AT ND</c>) when <see cref="LocalZigbeeNetwork.RunAsync"/> starts; nodes are learnt from their joins and their first frames either way.</summary>
    public bool DiscoverAtStart { get; init; } = true;

    /// <summary>
    /// Ask again this often (<c>AT ND</c>) while running, so radios that came back without announcing a join, or took a
    /// new 16-bit address under another parent, are listened to before they first speak; null asks only at start.
    /// Between 1 second and 1 day; 1 hour by default.
    /// </summary>
    public TimeSpan? RediscoverEvery { get; init; } = TimeSpan.FromHours(1);

    public XBeeCoordinatorOptions Coordinator { get; init; } = new();

    public ZigbeeConcentratorOptions Concentrator { get; init; } = new();

    public ZigbeePushAdapterOptions Pushes { get; init; } = new();

    internal void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(SerialPort, nameof(SerialPort));
        ArgumentOutOfRangeException.ThrowIfLessThan(BaudRate, 1200, nameof(BaudRate));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(BaudRate, 1_000_000, nameof(BaudRate));
        if (RediscoverEvery is { } every)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(every, TimeSpan.FromSeconds(1), nameof(RediscoverEvery));
            ArgumentOutOfRangeException.ThrowIfGreaterThan(every, TimeSpan.FromDays(1), nameof(RediscoverEvery));
        }

        ArgumentNullException.ThrowIfNull(Coordinator, nameof(Coordinator));
        ArgumentNullException.ThrowIfNull(Concentrator, nameof(Concentrator));
        ArgumentNullException.ThrowIfNull(Pushes, nameof(Pushes));
        Pushes.Validate();
    }
}
