namespace Meterline.Simulator.Provisioning;

/// <summary>
/// How a fleet is laid out on the network: how many meters, where they listen (one shared port, or
/// <see cref="Port"/> + index each), their profile, and the seed their households derive from.
/// </summary>
public sealed record FleetLayout
{
    /// <summary>The most meters a fleet may have: the 14-bit HDLC physical address runs from 16 to 16,383.</summary>
    public const int MaxMeters = FleetAddressing.MaxPhysicalAddress - FleetAddressing.FirstPhysicalAddress + 1;

    public required int Meters { get; init; }

    public required string ProfileId { get; init; }

    /// <summary>The host written to the provisioning file as the meters' address.</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>The shared port, or the first of the per-meter ports.</summary>
    public int Port { get; init; } = Dlms.Wrapper.WrapperFrame.DefaultPort;

    public bool PortPerMeter { get; init; }

    /// <summary>Households are seeded from this (meter i gets a seed derived from it and i).</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Throws for a layout that cannot be served.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Meters, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Meters, MaxMeters);
        ArgumentException.ThrowIfNullOrWhiteSpace(ProfileId);
        ArgumentException.ThrowIfNullOrWhiteSpace(Host);
        ArgumentOutOfRangeException.ThrowIfLessThan(Port, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(PortPerMeter ? Port + Meters - 1 : Port, ushort.MaxValue);
    }
}
