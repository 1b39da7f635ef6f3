using Meterline.HeadEnd.Ingest;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Meterline.Server.Observability;

/// <summary>
/// Not ready while the batch writer fails: from a failed batch write until the next commit
/// (<see cref="IngestMetrics.WritesFailing"/>).
/// Degraded (still ready) while the usage queue is full, so a load balancer keeps the node but an operator sees it.
/// </summary>
internal sealed class IngestHealthCheck(IngestPipeline pipeline, IngestPipelineOptions options) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var metrics = pipeline.Metrics;
        var failures = metrics.WriteFailures;
        var batches = metrics.Batches;
        var failing = metrics.WritesFailing;

        var data = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["batches"] = batches,
            ["writeFailures"] = failures,
            ["queuedUsage"] = pipeline.QueuedUsage,
            ["queuedPriority"] = pipeline.QueuedPriority,
        };
        if (failing)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("the store refuses batch writes; nothing committed since", data: data));
        }

        return Task.FromResult(pipeline.QueuedUsage >= options.UsageQueueCapacity
            ? HealthCheckResult.Degraded("the usage queue is full", data: data)
            : HealthCheckResult.Healthy("ingest is committing", data));
    }
}
