using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.DemandControl;

/// <summary>The last confirmed Limiter settings per meter (one row per meter, replaced by a later confirmation).</summary>
public interface IMeterLimiterStore
{
    /// <summary>Stores <paramref name="limiter"/> unless a confirmation at a later time is stored already.</summary>
    Task SetAsync(MeterLimiter limiter, CancellationToken cancellationToken = default);

    Task<MeterLimiter?> GetAsync(MeterId meter, CancellationToken cancellationToken = default);
}
