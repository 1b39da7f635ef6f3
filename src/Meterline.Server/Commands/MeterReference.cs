using System.Globalization;
using Meterline.HeadEnd.Meters;

namespace Meterline.Server.Commands;

/// <summary>A meter named in a request: by serial, or by the registry's id when no meter has that serial and it is a number.</summary>
public static class MeterReference
{
    public const int MaxLength = 64;

    public static async Task<Meter?> FindAsync(IMeterRepository meters, string reference, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(meters);
        if (string.IsNullOrWhiteSpace(reference) || reference.Length > MaxLength)
        {
            return null;
        }

        if (await meters.FindBySerialAsync(reference, cancellationToken).ConfigureAwait(false) is { } bySerial)
        {
            return bySerial;
        }

        return int.TryParse(reference, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0
            ? await meters.GetAsync(new MeterId(id), cancellationToken).ConfigureAwait(false)
            : null;
    }
}
