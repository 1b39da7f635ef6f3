using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Meterline.Server.Observability;

/// <summary>Ready while the application has started, is not stopping, and every long-running service runs.</summary>
internal sealed class ServicesHealthCheck(LoopStates states, IHostApplicationLifetime lifetime) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("the node is stopping"));
        }

        if (!lifetime.ApplicationStarted.IsCancellationRequested)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("the node is starting"));
        }

        var snapshot = states.Snapshot();
        var data = snapshot.ToDictionary(pair => pair.Key, pair => (object)pair.Value.ToString(), StringComparer.Ordinal);
        var notRunning = snapshot.Where(pair => pair.Value != LoopState.Running).Select(pair => $"{pair.Key} {pair.Value}").ToArray();
        return Task.FromResult(notRunning.Length == 0
            ? HealthCheckResult.Healthy($"{snapshot.Count} services running", data)
            : HealthCheckResult.Unhealthy("not running: " + string.Join(", ", notRunning), data: data));
    }
}
