using Meterline.HeadEnd.Ingest;
using Meterline.HeadEnd.Meters;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Meterline.Server.Health;

/// <summary>
/// Liveness and readiness for a supervisor or a load balancer, without sign-in (they say nothing about meters):
/// <c>GET /health/live</c> answers 200 while the process serves HTTP; <c>GET /health/ready</c> answers 200 when the
/// node can take readings — the database answers a query within <see cref="ProbeTimeout"/> and the ingest pipeline's
/// last batch write did not fail — else 503 with the reasons. During a database outage or a full disk the node stays
/// up (pushes are refused or unacknowledged, loops wait and retry) and reports not ready until it ingests again.
/// </summary>
public static class HealthApi
{
    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(2);

    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        var group = routes.MapGroup("/health").WithTags("Health").AllowAnonymous();
        group.MapGet("/live", () => TypedResults.Ok(new HealthResponse("live", []))).WithName("GetLiveness").WithSummary("200 while the process serves HTTP");
        group.MapGet("/ready", ReadyAsync).WithName("GetReadiness").WithSummary("200 when the database answers and ingest commits, else 503 with the reasons");
        return routes;
    }

    private static async Task<Results<Ok<HealthResponse>, JsonHttpResult<HealthResponse>>> ReadyAsync(IMeterRepository meters, IngestPipeline pipeline, CancellationToken cancellationToken)
    {
        var reasons = new List<string>();
        if (pipeline.Metrics.WritesFailing)
        {
            reasons.Add("ingest: the store refuses batch writes");
        }

        using var probe = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        probe.CancelAfter(ProbeTimeout);
        try
        {
            await meters.CountAsync(probe.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            reasons.Add($"database: no answer within {ProbeTimeout.TotalSeconds} s");
        }
        catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException or IOException or TimeoutException)
        {
            reasons.Add("database: " + e.GetType().Name);
        }

        return reasons.Count == 0
            ? TypedResults.Ok(new HealthResponse("ready", reasons))
            : TypedResults.Json(new HealthResponse("not ready", reasons), statusCode: StatusCodes.Status503ServiceUnavailable);
    }
}
