using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.Keys;

/// <summary>Storage of meters' wrapped keys. (meter, kind, generation) is unique.</summary>
public interface IMeterKeyStore
{
    /// <summary>Stores keys durably in one transaction; a key already stored for the same (meter, kind, generation) is an error.</summary>
    Task SaveAsync(IReadOnlyList<StoredMeterKey> keys, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores <paramref name="key"/> in place of the key stored for its (meter, kind, generation), if any, in one
    /// transaction: a credential issued again (a meter's MQTT password), never a DLMS key (those get a new generation).
    /// </summary>
    Task ReplaceAsync(StoredMeterKey key, CancellationToken cancellationToken = default);

    /// <summary>A meter's keys of one generation.</summary>
    Task<IReadOnlyList<StoredMeterKey>> GetAsync(MeterId meter, int generation, CancellationToken cancellationToken = default);

    /// <summary>The meters (other than <paramref name="except"/>) holding a key with this fingerprint, in any generation.</summary>
    Task<IReadOnlyList<MeterId>> FindByFingerprintAsync(ReadOnlyMemory<byte> fingerprint, MeterId? except = null, CancellationToken cancellationToken = default);
}
