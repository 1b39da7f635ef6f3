using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.Keys;

/// <summary>
/// Where a meter's MQTT password is in the key store. Stored keys are never overwritten, so a password has versions of
/// its own in the store's generation column: one imported with the meter's keys sits at that key generation, one issued
/// later at the next version above every password the meter has. Only the newest is the meter's password; the broker
/// (MqttCredentialStore), the installation document and the external broker's files all read it from here.
/// </summary>
public static class MqttPasswordVersions
{
    /// <summary>The first version (and the generation of a meter's first keys).</summary>
    public const int First = 1;

    /// <summary>Versions looked at above the meter's key generation (passwords re-issued since, by any process).</summary>
    public const int MaxVersionsAhead = 64;

    /// <summary>
    /// The meter's newest stored password: versions are looked up from <paramref name="from"/> (the newest one the caller
    /// already knows, else <see cref="First"/>) through the meter's key generation, then on upwards while there are more.
    /// Null when it has none.
    /// </summary>
    public static async Task<StoredMeterKey?> FindNewestAsync(IMeterKeyStore keys, MeterId meter, int keyGeneration, int from = First, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        StoredMeterKey? newest = null;
        var last = Math.Max(from, keyGeneration) + MaxVersionsAhead;
        for (var version = Math.Max(from, First); version <= last; version++)
        {
            var stored = (await keys.GetAsync(meter, version, cancellationToken).ConfigureAwait(false)).FirstOrDefault(k => k.Kind == MeterKeyKind.MqttPassword);
            if (stored is not null)
            {
                newest = stored;
            }
            else if (version >= keyGeneration)
            {
                break;
            }
        }

        return newest;
    }

    /// <summary>The version a new password gets: one above the newest, or <see cref="First"/>.</summary>
    public static async Task<int> NextAsync(IMeterKeyStore keys, MeterId meter, int keyGeneration, CancellationToken cancellationToken = default) =>
        (await FindNewestAsync(keys, meter, keyGeneration, First, cancellationToken).ConfigureAwait(false))?.Generation + 1 ?? First;
}
