using System.Diagnostics;
using System.Net;
using Meterline.Cli.Dlms;
using Meterline.Cli.Serve;
using Meterline.HeadEnd.Analytics;
using Meterline.HeadEnd.Analytics.Balance;
using Meterline.HeadEnd.Ingest;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Provisioning;
using Meterline.HeadEnd.Readings;
using Meterline.Server;
using Meterline.Server.Hosting;
using Meterline.Simulator.Fleet;
using Meterline.Simulator.Hosting;
using Meterline.Simulator.Push;
using Meterline.Simulator.Theft;

namespace Meterline.Cli.Detection;

/// <summary>
/// One detection run end to end on this machine: a <see cref="HeadEndNode"/> on SQLite with analytics on (and its web
/// API on a free loopback port, as <c>meterline serve</c> runs it), a simulated fleet with transformers and injected
/// thefts pushing to it over DLMS/TCP at <see cref="DetectionOptions.Speed"/>, for <see cref="DetectionOptions.Days"/>
/// simulated days; then the meters' queues drain into the head-end, the analytics make a full pass over what was
/// stored, and the alerts and each transformer's balance are scored against the truth file.
/// </summary>
/// <remarks>
/// As in <c>meterline demo</c>, the meters run on the fleet's accelerated clock and the head-end on the real one: the
/// per-meter rate limit is raised with the speed, gap back-fill and the read scheduler are off, and the clock rule's
/// "ahead" check is off (every simulated interval is ahead of the head-end's clock by design).
/// </remarks>
internal static class DetectionRun
{
    public const string Actor = "detection-report";

    private static readonly TimeSpan DrainLimit = TimeSpan.FromMinutes(10);

    public static async Task<DetectionOutcome> RunAsync(DetectionOptions options, Action<string> progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(progress);
        var clock = Stopwatch.StartNew();
        var temporary = options.DataDirectory is null;
        var directory = options.DataDirectory is { } given ? Directory.CreateDirectory(given).FullName : Directory.CreateTempSubdirectory("meterline-detection-").FullName;
        var length = TimeSpan.FromDays(options.Days);
        var end = options.Start + length;
        var truthPath = Path.GetFullPath(options.TruthPath ?? Path.Combine(directory, "truth.json"));
        try
        {
            var node = await ServeCommand.OpenNodeAsync(NodeOptions(options, directory), cancellationToken).ConfigureAwait(false);
            await using (node.ConfigureAwait(false))
            {
                var app = ServerApplication.Build(new ServerOptions { Urls = ["http://127.0.0.1:0"], MinimumLogLevel = Microsoft.Extensions.Logging.LogLevel.Error }, node);
                await using (app.ConfigureAwait(false))
                {
                    await app.StartAsync(cancellationToken).ConfigureAwait(false);
                    try
                    {
                        var fleet = await FleetSimulator.StartAsync(FleetOptions(options, directory, node, truthPath), cancellationToken).ConfigureAwait(false);
                        await using (fleet.ConfigureAwait(false))
                        {
                            progress($"fleet: {options.Meters} consumer meters under {fleet.Topology!.Transformers.Count} transformers, {fleet.Thefts!.Cases.Count} thefts; importing");
                            await ImportAsync(node, fleet, cancellationToken).ConfigureAwait(false);
                            var dropped = await RunFleetAsync(fleet, end, progress, cancellationToken).ConfigureAwait(false);
                            await DrainAsync(node, progress, cancellationToken).ConfigureAwait(false);
                            progress("analytics: a full pass over what was stored");
                            await node.Analytics!.FullPassAsync(cancellationToken).ConfigureAwait(false);
                            var consumers = await ConsumersAsync(node.Meters, cancellationToken).ConfigureAwait(false);
                            var alerts = await AlertsAsync(node.Storage.Alerts, cancellationToken).ConfigureAwait(false);
                            var balances = new List<EnergyBalance>();
                            foreach (var transformer in fleet.Topology.Transformers)
                            {
                                if (await node.EnergyBalance.CalculateAsync(transformer.Id, options.Start, end, cancellationToken).ConfigureAwait(false) is { } balance)
                                {
                                    balances.Add(balance);
                                }
                            }

                            var truth = TheftTruthFile.Read(truthPath);
                            var result = DetectionScoring.Score(truth, consumers, alerts, balances, options.Delay, options.TopK, options.LossThresholdPercent);
                            var reads = await MeasureWindowReadsAsync(node.Storage.Readings, consumers.Values, end, cancellationToken).ConfigureAwait(false);
                            return new DetectionOutcome(result, fleet.Topology.Transformers.Count, node.Pipeline.Metrics.RecordsStored, dropped, clock.Elapsed, reads, truthPath, consumers, balances);
                        }
                    }
                    finally
                    {
                        await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
                    }
                }
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            if (temporary)
            {
                TryDelete(directory);
            }
        }
    }

    private static HeadEndOptions NodeOptions(DetectionOptions options, string directory)
    {
        var guard = new IngressGuardOptions();
        return new HeadEndOptions
        {
            Database = "Data Source=" + Path.Combine(directory, "meterline.db"),
            KeyFile = Path.Combine(directory, "meterline.kek"),
            CreateKeyFile = true,
            ProfilesDirectory = options.ProfilesDirectory,
            PushListeners = [new IPEndPoint(IPAddress.Loopback, 0)],
            Ingest = new IngestPipelineOptions
            {
                // A meter delivering a backlog pushes as fast as the pump visits it (10 a second): the per-meter limit
                // is for floods, and a run that measures detection must not lose honest pushes to it.
                Guard = guard with { PerMeter = new TokenBucketSettings(Math.Max(20, guard.PerMeter.RatePerSecond * options.Speed / 60), 600) },
            },
            Scheduler = null,
            Backfill = null,
            Analytics = options.Analytics with { Clock = options.Analytics.Clock with { FutureTolerance = null } },
        };
    }

    private static FleetSimulatorOptions FleetOptions(DetectionOptions options, string directory, HeadEndNode node, string truthPath)
    {
        var push = node.PushEndpoints[0];
        return new FleetSimulatorOptions
        {
            Meters = options.Meters,
            Speed = options.Speed,
            Start = options.Start,
            ProfilePath = Path.Combine(options.ProfilesDirectory, "is15959-single-phase.json"),
            ProvisioningPath = Path.Combine(directory, "fleet.json"),
            StateDirectory = Path.Combine(directory, "sim-state"),
            Hosting = new FleetHostOptions { ListenAddress = IPAddress.Loopback, Port = 0 },
            Push = new PushDestination(PushTransport.Tcp, push.Address.ToString(), push.Port),
            Seed = options.Seed,
            Topology = options.Topology,
            Thefts = options.Thefts,
            TheftSeed = options.TheftSeed,
            RunLength = TimeSpan.FromDays(options.Days),
            TruthPath = truthPath,
        };
    }

    /// <summary>Imports the fleet's provisioning file, then its network: consumers, transformers, feeders, locations and transformers' meters.</summary>
    private static async Task ImportAsync(HeadEndNode node, FleetSimulator fleet, CancellationToken cancellationToken)
    {
        var report = await node.Provisioner.ImportFileAsync(fleet.ProvisioningPath, Actor, cancellationToken).ConfigureAwait(false);
        if (report.Results.FirstOrDefault(r => r.Outcome == ProvisioningOutcome.Refused) is { } refused)
        {
            throw new CommandException($"the head-end refused meter {refused.Serial}: {refused.Reason}", ExitCodes.Failed);
        }

        using var file = ProvisioningFileReader.Read(fleet.ProvisioningPath);
        await new ProvisioningTopology(node.Meters, node.Storage.Transformers, node.Audit).ApplyAsync(file, Actor, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs the fleet until its clock reaches <paramref name="end"/>; returns the pushes the meters dropped.</summary>
    private static async Task<long> RunFleetAsync(FleetSimulator fleet, DateTimeOffset end, Action<string> progress, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var running = fleet.RunAsync(stop.Token);
        var last = Stopwatch.StartNew();
        try
        {
            while (fleet.Time.GetUtcNow() < end)
            {
                if (running.IsCompleted)
                {
                    await running.ConfigureAwait(false);
                    throw new CommandException("the fleet stopped before the end of the run", ExitCodes.Failed);
                }

                await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken).ConfigureAwait(false);
                if (last.Elapsed >= TimeSpan.FromSeconds(10))
                {
                    last.Restart();
                    var s = fleet.Snapshot();
                    progress($"simulated {s.SimulatedTime:u}: {s.PushesDelivered:N0} pushes delivered, {s.PushesPending:N0} pending, {s.PushesDropped:N0} dropped");
                }
            }

            // The meters keep what they could not deliver yet: let the pump deliver what was queued at the end (each
            // queue is first in, first out; the meters go on making later pushes meanwhile, which are not needed).
            var atEnd = fleet.Snapshot();
            var backlog = atEnd.PushesDelivered + atEnd.PushesPending;
            progress($"simulated end reached: delivering the {atEnd.PushesPending:N0} pushes still queued");
            var drain = Stopwatch.StartNew();
            while (fleet.Snapshot().PushesDelivered < backlog && drain.Elapsed < DrainLimit)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            try
            {
                await running.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }

        return fleet.Snapshot().PushesDropped;
    }

    /// <summary>Waits until the head-end stored everything it accepted (no new records for two seconds; bounded).</summary>
    private static async Task DrainAsync(HeadEndNode node, Action<string> progress, CancellationToken cancellationToken)
    {
        var metrics = node.Pipeline.Metrics;
        var limit = Stopwatch.StartNew();
        var stored = -1L;
        var quiet = 0;
        while (quiet < 10 && limit.Elapsed < DrainLimit)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken).ConfigureAwait(false);
            var now = metrics.RecordsStored;
            quiet = now == stored ? quiet + 1 : 0;
            stored = now;
        }

        progress($"head-end: {stored:N0} records stored, {metrics.RejectedTotal:N0} frames rejected");
    }

    private static async Task<Dictionary<string, MeterId>> ConsumersAsync(IMeterRepository meters, CancellationToken cancellationToken)
    {
        var consumers = new Dictionary<string, MeterId>(StringComparer.Ordinal);
        string? token = null;
        do
        {
            var page = await meters.ListAsync(new MeterFilter(), 1_000, token, cancellationToken).ConfigureAwait(false);
            foreach (var meter in page.Items.Where(m => m.TransformerId is not null))
            {
                consumers[meter.Serial] = meter.Id;
            }

            token = page.NextPageToken;
        }
        while (token is not null);
        return consumers;
    }

    private static async Task<List<Alert>> AlertsAsync(IAlertStore store, CancellationToken cancellationToken)
    {
        var alerts = new List<Alert>();
        AlertId? before = null;
        while (true)
        {
            var page = await store.ListAsync(new AlertFilter(), before, 1_000, cancellationToken).ConfigureAwait(false);
            alerts.AddRange(page);
            if (page.Count < 1_000)
            {
                return alerts;
            }

            before = page[^1].Id;
        }
    }

    /// <summary>Reads each meter's live analytics window (2 days of every quantity to a day past the end, and its events) once, timed.</summary>
    private static async Task<WindowReadCost> MeasureWindowReadsAsync(IReadingStore readings, IEnumerable<MeterId> meters, DateTimeOffset end, CancellationToken cancellationToken)
    {
        var from = end - TimeSpan.FromDays(2);
        var to = end + TimeSpan.FromDays(1);
        long rows = 0;
        var count = 0;
        var clock = Stopwatch.StartNew();
        foreach (var meter in meters)
        {
            string? token = null;
            do
            {
                var page = await readings.QueryAsync(new ReadingQuery(meter, from, to, null, ReadingQuery.MaxPageSize, token), cancellationToken).ConfigureAwait(false);
                rows += page.Items.Count;
                token = page.NextPageToken;
            }
            while (token is not null);
            await readings.GetEventsAsync(meter, from, to, 10_000, cancellationToken).ConfigureAwait(false);
            count++;
        }

        return new WindowReadCost(count, rows, clock.Elapsed);
    }

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A temporary directory left behind is harmless.
        }
    }
}
