using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Meterline.Server.Observability;

/// <summary>Ready while a trivial query reaches the database within <see cref="Timeout"/>.</summary>
internal sealed class StorageHealthCheck(StorageProbe probe) : IHealthCheck
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(Timeout);
        try
        {
            await probe.PingAsync(bound.Token).ConfigureAwait(false);
            return HealthCheckResult.Healthy("the database answers");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"the database did not answer within {Timeout.TotalSeconds:0} s");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The exception's type only: its message may carry a connection string or a path.
            return HealthCheckResult.Unhealthy("the database is unreachable (" + e.GetType().Name + ")");
        }
    }
}
