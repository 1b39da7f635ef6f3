using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.Keys;

/// <summary>One wrapped secret of one meter in one key generation, with a SHA-256 fingerprint of the plain key (for
/// refusing a key already used by another meter without unwrapping every key).</summary>
/// <param name="Meter">The meter.</param>
/// <param name="Kind">Which secret.</param>
/// <param name="Generation">The meter's key generation it belongs to.</param>
/// <param name="Key">The wrapped secret.</param>
/// <param name="Fingerprint">HMAC-SHA-256 of the plain key under the provider's fingerprint key (32 bytes), so equal keys are found without unwrapping and the fingerprint reveals nothing on its own.</param>
public sealed record StoredMeterKey(MeterId Meter, MeterKeyKind Kind, int Generation, WrappedKey Key, ReadOnlyMemory<byte> Fingerprint)
{
    public bool Equals(StoredMeterKey? other) =>
        other is not null && Meter == other.Meter && Kind == other.Kind && Generation == other.Generation && Key.Equals(other.Key) &&
        Fingerprint.Span.SequenceEqual(other.Fingerprint.Span);

    public override int GetHashCode() => HashCode.Combine(Meter, Kind, Generation);
}
