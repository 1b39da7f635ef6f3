using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.Keys;

/// <summary>Gives the transport adapters a meter's unwrapped secrets (the caller disposes them).</summary>
public interface IMeterKeyring
{
    /// <summary>The meter's secrets of a key generation, or null if none are stored.</summary>
    Task<MeterSecrets?> GetSecretsAsync(MeterId meter, int generation, CancellationToken cancellationToken = default);
}
