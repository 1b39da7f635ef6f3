using Meterline.Server.Hosting;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OpenTelemetry.Metrics;

namespace Meterline.Server.Observability;

/// <summary>
/// Metrics (OpenTelemetry, scraped by Prometheus at <see cref="MetricsPath"/>), liveness and readiness
/// (docs/observability.md).
/// </summary>
public static class ObservabilitySetup
{
    public const string MetricsPath = "/metrics";
    public const string LivePath = "/health/live";
    public const string ReadyPath = "/health/ready";

    private const string ReadyTag = "ready";

    private static readonly HttpMethodMetadata GetOnly = new(["GET"]);

    /// <summary>The meters exported besides Meterline's own (<c>Meterline.*</c>).</summary>
    public static readonly string[] PlatformMeters = ["Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "System.Runtime"];

    /// <summary>Metrics, the readiness checks over <paramref name="probe"/> and, with a node, its ingest and gauges.</summary>
    public static IServiceCollection AddMeterlineObservability(this IServiceCollection services, StorageProbe probe, HeadEndNode? node)
    {
        ArgumentNullException.ThrowIfNull(probe);
        services.AddSingleton(probe).AddSingleton<LoopStates>();
        var checks = services.AddHealthChecks()
            .AddCheck<StorageHealthCheck>("storage", tags: [ReadyTag])
            .AddCheck<ServicesHealthCheck>("services", tags: [ReadyTag]);
        if (node is not null)
        {
            services.AddSingleton(provider => new NodeMetrics(node, provider.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()));

            checks.AddCheck("ingest", new IngestHealthCheck(node.Pipeline, node.Options.Ingest), tags: [ReadyTag]);
        }

        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter("Meterline.*")
            .AddMeter(PlatformMeters)
            .AddPrometheusExporter());
        return services;
    }

    /// <summary>
    /// <c>/health/live</c> and <c>/health/ready</c> without credentials (status only, nothing about meters), and
    /// <c>/metrics</c> behind the API's access like every other endpoint (a staff token; docs/observability.md).
    /// </summary>
    public static WebApplication MapObservability(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        _ = app.Services.GetService<NodeMetrics>();
        app.MapHealthChecks(LivePath, new HealthCheckOptions { Predicate = _ => false, ResponseWriter = HealthResponse.WriteAsync })
            .WithMetadata(GetOnly).WithName("Live").AllowAnonymous();
        app.MapHealthChecks(ReadyPath, new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(ReadyTag),
            ResponseWriter = HealthResponse.WriteAsync,
            ResultStatusCodes =
            {
                [HealthStatus.Healthy] = StatusCodes.Status200OK,
                [HealthStatus.Degraded] = StatusCodes.Status200OK,
                [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
            },
        }).WithMetadata(GetOnly).WithName("Ready").AllowAnonymous();
        app.MapPrometheusScrapingEndpoint(MetricsPath).WithMetadata(GetOnly).WithName("Metrics");
        return app;
    }
}
