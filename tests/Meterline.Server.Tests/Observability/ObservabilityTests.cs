using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Meterline.Server.Observability;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Meterline.Server.Tests.Observability;

/// <summary>
/// Liveness, readiness, the Prometheus scrape and the command log of a real node (docs/observability.md): a simulated
/// meter pushes and is disconnected, and what the node reports about it is read back over HTTP.
/// </summary>
public sealed partial class ObservabilityTests
{
    private const string Serial = "MTL00000001";

    [Fact]
    public async Task HealthAndMetrics_RunningNodeWithAMeter_ReadyAndCountsItsReadingsAndCommands()
    {
        var logs = new CapturingLoggerProvider();
        using var logging = LoggerFactory.Create(builder => builder.AddProvider(logs).SetMinimumLevel(LogLevel.Information));
        await using var node = await RunningNode.StartAsync(options => options with { LoggerFactory = logging });
        await using var fleet = await TestFleet.StartAsync(1, node.PushEndpoint, speed: 900);
        using (var import = await Api.PostAsync(node.Client, "/api/meters/import", await File.ReadAllTextAsync(fleet.ProvisioningPath)))
        {
            Assert.Equal(HttpStatusCode.OK, import.StatusCode);
        }

        using var anonymous = new HttpClient { BaseAddress = node.Address, Timeout = TimeSpan.FromSeconds(30) };
        using (var live = await anonymous.GetAsync(new Uri(ObservabilitySetup.LivePath, UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
            Assert.Equal("Healthy", (await Api.JsonAsync(live)).GetProperty("status").GetString());
        }

        var ready = await WaitReadyAsync(anonymous);
        var checks = ready.GetProperty("checks");
        Assert.Equal("Healthy", checks.GetProperty("storage").GetProperty("status").GetString());
        Assert.Equal("Healthy", checks.GetProperty("services").GetProperty("status").GetString());
        Assert.Contains(checks.GetProperty("services").GetProperty("data").EnumerateObject(), loop => loop.Value.GetString() == "Running");
        Assert.Equal("Healthy", checks.GetProperty("ingest").GetProperty("status").GetString());

        // The scrape is an API endpoint like the others: no credentials, no metrics.
        using (var refused = await anonymous.GetAsync(new Uri(ObservabilitySetup.MetricsPath, UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        using var bound = new CancellationTokenSource(RunningNode.Bound);
        while (node.Node.Pipeline.Metrics.RecordsStored == 0)
        {
            await Task.Delay(100, bound.Token);
        }

        using (var created = await Api.PostAsync(node.Client, "/api/commands", $$"""{"meter":"{{Serial}}","kind":"disconnect"}""", "operator-obs"))
        {
            Assert.Equal(HttpStatusCode.Accepted, created.StatusCode);
            var final = await Api.WaitFinalAsync(node.Client, created.Headers.Location!.OriginalString);
            Assert.Equal("Confirmed", final.GetProperty("state").GetString());
        }

        // Every record the node counted before the scrape is in it (the exporter may serve a scrape a moment old).
        var stored = node.Node.Pipeline.Metrics.RecordsStored;
        var scrape = await ScrapeAsync(node.Client, bound.Token, text =>
            Value(text, "meterline_commands_transitions_total", "kind=\"Disconnect\"", "state=\"Confirmed\"") >= 1 && Value(text, "meterline_ingest_records_stored_total") >= stored);
        Assert.True(Value(scrape, "meterline_ingest_frames_accepted_total") >= 1, "frames accepted");
        Assert.True(Value(scrape, "meterline_commands_duration_seconds_count", "kind=\"Disconnect\"", "state=\"Confirmed\"") >= 1, "command duration");
        Assert.True(Value(scrape, "meterline_meters_registered") >= 1, "meters registered");
        Assert.Contains("meterline_ingest_queue_depth{", scrape, StringComparison.Ordinal);
        Assert.Equal(0, Value(scrape, "meterline_push_udp_dropped_total"));
        Assert.Equal(0, Value(scrape, "meterline_push_udp_queue_depth"));
        Assert.Contains("http_server_request_duration_seconds_bucket", scrape, StringComparison.Ordinal);

        // The command's transitions are logged with its id and the meter's as named values.
        var meterId = (await node.Node.Meters.FindBySerialAsync(Serial))!.Id.Value;
        var confirmed = logs.Entries.Where(e => e.Category.EndsWith("CommandDispatcher", StringComparison.Ordinal) && Equals(e.State.GetValueOrDefault("State"), "Confirmed")).ToArray();
        var entry = Assert.Single(confirmed);
        Assert.Equal(meterId, entry.State["MeterId"]);
        Assert.IsType<long>(entry.State["CommandId"]);
    }

    [Fact]
    public async Task StorageCheck_DatabaseUnreachable_UnhealthyWithoutTheErrorsText()
    {
        var check = new StorageHealthCheck(new StorageProbe(_ => throw new InvalidOperationException("Host=db;Password=secret")));

        var result = await check.CheckHealthAsync(new HealthCheckContext());

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.DoesNotContain("secret", result.Description, StringComparison.Ordinal);
        Assert.Contains(nameof(InvalidOperationException), result.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServicesCheck_ALoopFailed_UnhealthyNamingIt()
    {
        var states = new LoopStates();
        states.Set("ingest", LoopState.Running);
        states.Set("dispatcher", LoopState.Failed);
        using var lifetime = new StartedLifetime();
        var check = new ServicesHealthCheck(states, lifetime);

        var result = await check.CheckHealthAsync(new HealthCheckContext());

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Equal("not running: dispatcher Failed", result.Description);
        states.Set("dispatcher", LoopState.Running);
        Assert.Equal(HealthStatus.Healthy, (await check.CheckHealthAsync(new HealthCheckContext())).Status);
        lifetime.Stop();
        var stopping = await check.CheckHealthAsync(new HealthCheckContext());
        Assert.Equal(HealthStatus.Unhealthy, stopping.Status);
        Assert.Equal("the node is stopping", stopping.Description);
    }

    private static async Task<System.Text.Json.JsonElement> WaitReadyAsync(HttpClient client)
    {
        using var bound = new CancellationTokenSource(RunningNode.Bound);
        while (true)
        {
            using var response = await client.GetAsync(new Uri(ObservabilitySetup.ReadyPath, UriKind.Relative), bound.Token);
            var body = await Api.JsonAsync(response);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return body;
            }

            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            await Task.Delay(100, bound.Token);
        }
    }

    /// <summary>Scrapes until <paramref name="done"/> holds (the exporter caches a scrape for a moment).</summary>
    private static async Task<string> ScrapeAsync(HttpClient client, CancellationToken cancellationToken, Func<string, bool> done)
    {
        while (true)
        {
            using var response = await client.GetAsync(new Uri(ObservabilitySetup.MetricsPath, UriKind.Relative), cancellationToken);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            if (done(text))
            {
                return text;
            }

            await Task.Delay(200, cancellationToken);
        }
    }

    /// <summary>The sum of a metric's samples whose labels contain every given <c>name="value"</c>; -1 if none.</summary>
    private static double Value(string scrape, string metric, params string[] labels)
    {
        var total = -1.0;
        foreach (Match sample in Sample().Matches(scrape))
        {
            if (sample.Groups["name"].Value == metric && labels.All(l => sample.Groups["labels"].Value.Contains(l, StringComparison.Ordinal)))
            {
                total = Math.Max(total, 0) + double.Parse(sample.Groups["value"].Value, CultureInfo.InvariantCulture);
            }
        }

        return total;
    }

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(?<labels>[^}]*)\})? (?<value>[-+0-9.eE]+|NaN)(?: \d+)?$", RegexOptions.Multiline)]
    private static partial Regex Sample();

    private sealed class StartedLifetime : IHostApplicationLifetime, IDisposable
    {
        private readonly CancellationTokenSource _started = new();
        private readonly CancellationTokenSource _stopping = new();

        public StartedLifetime() => _started.Cancel();

        public CancellationToken ApplicationStarted => _started.Token;

        public CancellationToken ApplicationStopping => _stopping.Token;

        public CancellationToken ApplicationStopped => CancellationToken.None;

        public void StopApplication() => Stop();

        public void Stop() => _stopping.Cancel();

        public void Dispose()
        {
            _started.Dispose();
            _stopping.Dispose();
        }
    }

    private sealed record LogEntry(string Category, LogLevel Level, IReadOnlyDictionary<string, object?> State);

    private sealed class CapturingLoggerProvider : ILoggerProvider
    {
        private readonly ConcurrentQueue<LogEntry> _entries = new();

        public IReadOnlyList<LogEntry> Entries => [.. _entries];

        public ILogger CreateLogger(string categoryName) => new CapturingLogger(categoryName, _entries);

        public void Dispose()
        {
        }

        private sealed class CapturingLogger(string category, ConcurrentQueue<LogEntry> entries) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (entries.Count < 10_000 && state is IReadOnlyList<KeyValuePair<string, object?>> values)
                {
                    entries.Enqueue(new LogEntry(category, logLevel, values.ToDictionary(v => v.Key, v => v.Value is Enum e ? e.ToString() : v.Value)));
                }
            }
        }
    }
}
