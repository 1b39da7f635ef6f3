using Meterline.Zigbee.Emulator;
using Meterline.Zigbee.Frames;

namespace Meterline.Simulator.Radio;

/// <summary>Which meters of a fleet have Zigbee radios, and the emulated coordinator they join.</summary>
public sealed record ZigbeeFleetOptions
{
    /// <summary>How many meters, counted from the end of the fleet, are reached over Zigbee (all when null).</summary>
    public int? Meters { get; init; }

    /// <summary>The radio link: air rate, hops, loss, maximum payload (NP), transmit-status failures.</summary>
    public LinkModel Link { get; init; } = new();

    /// <summary>The coordinator's API mode (AP): 1 or 2 (escaped).</summary>
    public XBeeApiMode ApiMode { get; init; } = XBeeApiMode.Api;

    /// <summary>A radio session with no frame for this long ends (the association with it).</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMinutes(2);
}
