using System.Globalization;
using Meterline.Dlms.Security;

namespace Meterline.Simulator.Provisioning;

/// <summary>
/// How a meter's index in the fleet maps to its identity and addresses: serial MTL{index+1, 8 digits}, system title
/// "MTL" + the serial as five bytes, HDLC physical address and shared-port wPort 16 + index (addresses below 16 are
/// reserved: IEC 62056-46 §6.4.2.2 gives 0 to "no station", 1 to the management logical device, 2-15 to reserved
/// uses, and the simulator keeps the wPort numbers the same for symmetry).
/// </summary>
public static class FleetAddressing
{
    public const string Manufacturer = "MTL";

    public const int FirstPhysicalAddress = 16;

    /// <summary>The largest lower address of a four-byte HDLC server address (14 bits).</summary>
    public const int MaxPhysicalAddress = 0x3FFF;

    /// <summary>The logical device every meter serves (the management logical device).</summary>
    public const int LogicalDevice = 1;

    public static string IdOf(int index) => Manufacturer + (index + 1).ToString("D8", CultureInfo.InvariantCulture);

    public static int PhysicalAddressOf(int index) => FirstPhysicalAddress + index;

    public static SystemTitle SystemTitleOf(int index) =>
        new((0x4D544CUL << 40) | (uint)(index + 1));

    /// <summary>The 64-bit IEEE address of a meter's Zigbee radio: Digi's OUI block 0013A200, then "MT" and index + 1.</summary>
    public static ulong ZigbeeAddressOf(int index) => 0x0013A200_4D540000UL + (ulong)(index + 1);

    /// <summary>A household seed from the fleet seed and the index (SplitMix64 finaliser: neighbours differ widely).</summary>
    public static int HouseholdSeedOf(int fleetSeed, int index)
    {
        var z = unchecked((((ulong)(uint)fleetSeed << 32) | (ulong)(uint)index) + 0x9E3779B97F4A7C15UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return (int)(z ^ (z >> 31));
    }
}
