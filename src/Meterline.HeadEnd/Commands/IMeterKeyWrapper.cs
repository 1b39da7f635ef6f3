using Meterline.HeadEnd.Keys;
using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.Commands;

/// <summary>
/// Wraps a plain secret for storage, as the key provider does (wrapped blob bound to meter, kind and generation, and
/// its fingerprint). Key rotation stores the new generation through it before the transfer; the composition root
/// backs it with the key provider.
/// </summary>
public interface IMeterKeyWrapper
{
    Task<StoredMeterKey> WrapAsync(MeterId meter, MeterKeyKind kind, int generation, ReadOnlyMemory<byte> secret, CancellationToken cancellationToken = default);
}
