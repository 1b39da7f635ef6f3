using Meterline.Dlms.Security;

namespace Meterline.Meter;

/// <summary>
/// Who a meter is: its serial number (also its id in the head-end and in state files), its system title (DLMS
/// security: the IV prefix of everything it ciphers), manufacturer and firmware, the logical device name it answers
/// with, and its physical address (HDLC lower address, and the wrapper wPort on a shared port).
/// </summary>
public sealed record MeterIdentity
{
    public required string Serial
    {
        get;
        init
        {
            if (string.IsNullOrEmpty(value) || value.Length > 32 || !value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            {
                throw new ArgumentException("A serial number is 1 to 32 letters, digits, '-' or '_'", nameof(value));
            }

            field = value;
        }
    }

    public required SystemTitle SystemTitle { get; init; }

    public string Manufacturer { get; init; } = "Meterline";

    public string FirmwareVersion { get; init; } = "1.0.0";

    /// <summary>
    /// The COSEM logical device name (0.0.42.0.0.255): the manufacturer's three letters and the serial, unless the
    /// serial already starts with them.
    /// </summary>
    public string LogicalDeviceName => SystemTitle.ManufacturerId is { } flag && !Serial.StartsWith(flag, StringComparison.Ordinal) ? flag + Serial : Serial;

    /// <summary>The HDLC physical (lower) server address, 16 to 16,383.</summary>
    public int PhysicalAddress
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 16);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 0x3FFF);
            field = value;
        }
    } = 16;
}
