using Meterline.HeadEnd.Ingest;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Meterline.Server.Observability;

/// <summary>
/// Not ready while the batch writer fails: a write failure since the last check with no batch committed since.
/// Degraded (still ready) while the usage queue is full, so a load balancer keeps the node but an operator sees it.
/// </summary>
internal sealed class IngestHealthCheck(IngestPipeline pipeline, IngestPipelineOptions options) : IHealthCheck
{
    private readonly Lock _gate = new();
    private long _failures = pipeline.Metrics.WriteFailures;
    private long _batches = pipeline.Metrics.Batches;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var metrics = pipeline.Metrics;
        var failures = metrics.WriteFailures;
        var batches = metrics.Batches;
        bool failing;
        lock (_gate)
        {
            failing = failures > _failures && batches == _batches;
            _failures = failures;
            _batches = batches;
        }

        var data = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["batches"] = batches,
            ["writeFailures"] = failures,
            ["queuedUsage"] = pipeline.QueuedUsage,
            ["queuedPriority"] = pipeline.QueuedPriority,
        };
        if (failing)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("batch writes are failing and nothing was committed since the last check", data: data));
        }

        return Task.FromResult(pipeline.QueuedUsage >= options.UsageQueueCapacity
            ? HealthCheckResult.Degraded("the usage queue is full", data: data)
            : HealthCheckResult.Healthy("ingest is committing", data));
    }
}
