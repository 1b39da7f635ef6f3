using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.Keys;

public static class MeterKeyStoreExtensions
{
    /// <summary>
    /// Whether the meter has DLMS keys of <paramref name="generation"/> stored. A re-issued MQTT password is stored under
    /// a version number in the same column (<see cref="MqttPasswordVersions"/>), so it alone never makes a key generation.
    /// </summary>
    public static async Task<bool> HasDlmsKeysAsync(this IMeterKeyStore keys, MeterId meter, int generation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        return (await keys.GetAsync(meter, generation, cancellationToken).ConfigureAwait(false)).Any(k => k.Kind != MeterKeyKind.MqttPassword);
    }
}
