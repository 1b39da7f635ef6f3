using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.Analytics;

/// <summary>
/// Which meter measures a transformer's (or feeder's) total. The transformer's consumers are the other meters whose
/// registration names the transformer (<see cref="Meter.TransformerId"/>).
/// </summary>
public interface ITransformerMeterStore
{
    Task<MeterId?> GetTransformerMeterAsync(string transformerId, CancellationToken cancellationToken = default);

    /// <summary>Marks <paramref name="meter"/> as the meter of the transformer's total (replacing any before).</summary>
    Task SetTransformerMeterAsync(string transformerId, MeterId meter, CancellationToken cancellationToken = default);
}
