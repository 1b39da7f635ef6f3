using Meterline.HeadEnd.DemandControl;
using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.Testing;

/// <summary>The last confirmed Limiter per meter in memory, for unit tests; a later confirmation replaces an earlier one.</summary>
public sealed class InMemoryMeterLimiterStore : IMeterLimiterStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<MeterId, MeterLimiter> _limiters = [];

    public Task SetAsync(MeterLimiter limiter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(limiter);
        lock (_lock)
        {
            if (!_limiters.TryGetValue(limiter.Meter, out var stored) || stored.ConfirmedAt <= limiter.ConfirmedAt)
            {
                _limiters[limiter.Meter] = limiter;
            }
        }

        return Task.CompletedTask;
    }

    public Task<MeterLimiter?> GetAsync(MeterId meter, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult(_limiters.GetValueOrDefault(meter));
        }
    }
}
