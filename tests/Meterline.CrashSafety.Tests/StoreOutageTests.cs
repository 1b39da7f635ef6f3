using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using Meterline.HeadEnd.Readings;
using Meterline.Server.Hosting;
using Meterline.Simulator.Fleet;
using Meterline.Simulator.Hosting;
using Meterline.Simulator.Push;
using Meterline.Storage.Tests.Postgres;
using Xunit.Abstractions;

namespace Meterline.CrashSafety.Tests;

/// <summary>
/// The real <c>meterline serve</c> while its database goes away mid-ingest and comes back, with a simulated fleet
/// pushing over the TCP wrapper (whose only acknowledgement is the commit, see <see cref="KillAndRestartTests"/>):
/// PostgreSQL stopped as a crash would stop it (its own private cluster: the shared one serves other tests) and
/// started again; SQLite's disk full (a real tmpfs of its own, filled with a file and freed again). The node must stay
/// up (no fail-stop), say it is not ready (<c>/health/ready</c> 503) and log the refused writes while the store is
/// away, and by itself take readings again once it is back: ready again, everything committed before the outage still
/// there, and every interval of every meter up to the end of the outage stored (pushed, or fetched by back-fill when
/// it was lost in flight), once.
/// </summary>
public sealed class StoreOutageTests(ITestOutputHelper output) : IDisposable
{
    private const int FleetSize = 10;
    private const double Speed = 1_800;

    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(15);
    private static readonly TimeSpan ProcessTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(120);
    private readonly string _directory = Directory.CreateTempSubdirectory("meterline-outage-").FullName;
    private string? _mount;

    public void Dispose()
    {
        if (_mount is not null)
        {
            Run("umount", "-l", _mount);
        }

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a process that is going away; the temp directory is cleaned by the system.
        }
    }

    [Fact]
    public async Task Serve_PostgresStoppedAndStartedMidIngest_StaysUpNotReadyThenResumesKeepingEveryCommittedReading()
    {
        await using var cluster = new PostgresCluster();
        await cluster.InitializeAsync();
        using var bound = new CancellationTokenSource(TimeSpan.FromMinutes(6));
        var database = await cluster.CreateDatabaseAsync(bound.Token);
        await RunThroughOutageAsync(
            database,
            cluster.StopServerAsync,
            cluster.StartServerAsync,
            bound.Token);
    }

    [Fact]
    public async Task Serve_SqliteDiskFullMidIngest_StaysUpNotReadyThenResumesWithAnIntactDatabase()
    {
        Assert.True(Environment.UserName == "root", "A real full disk needs a tmpfs of its own, mounted as root (the suite runs as root).");
        _mount = Path.Combine(_directory, "disk");
        Directory.CreateDirectory(_mount);
        var mounted = Run("mount", "-t", "tmpfs", "-o", "size=48m", "tmpfs", _mount);
        Assert.True(mounted.ExitCode == 0, $"mount -t tmpfs failed: {mounted.Output}");
        var database = Path.Combine(_mount, "hes.db");
        var filler = Path.Combine(_mount, "filler");
        using var bound = new CancellationTokenSource(TimeSpan.FromMinutes(6));
        await RunThroughOutageAsync(
            database,
            async () =>
            {
                var written = await FillAsync(filler, bound.Token);
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"the disk is full: {written / 1024} KiB of filler"));
            },
            () =>
            {
                File.Delete(filler);
                return Task.CompletedTask;
            },
            bound.Token);

        var state = await CommittedState.ReadAsync(database);
        Assert.Equal("ok", state.IntegrityCheck);
    }

    private async Task RunThroughOutageAsync(string database, Func<Task> begin, Func<Task> end, CancellationToken token)
    {
        var keyFile = Path.Combine(_directory, "hes.kek");
        var pushPort = FreePort.Next();
        var start = new DateTimeOffset((DateTimeOffset.UtcNow - TimeSpan.FromDays(20)).UtcDateTime.Date, TimeSpan.Zero);
        await using var fleet = await FleetSimulator.StartAsync(FleetOptions(start, pushPort), token);
        var built = FloorToInterval(fleet.Time.GetUtcNow());
        await using var console = await HeadEndNode.OpenAsync(new HeadEndOptions
        {
            Database = database,
            KeyFile = keyFile,
            CreateKeyFile = true,
            ProfilesDirectory = RepositoryPaths.Profiles,
            PushListeners = [],
            Scheduler = null,
            Backfill = null,
        }, token);
        var import = await console.Provisioner.ImportFileAsync(fleet.ProvisioningPath, "outage-test", token);
        Assert.Equal(FleetSize, import.Added);
        var meters = await console.Meters.ReadAllAsync(token).ToListAsync(token);

        using var stopFleet = CancellationTokenSource.CreateLinkedTokenSource(token);
        var fleetRun = fleet.RunAsync(stopFleet.Token);
        // Port 0: the node binds a free web port itself and prints it (a port picked in advance was once taken before
        // the node bound it, in CI).
        await using var server = await ServeProcess.StartAsync(
        [
            "--db", database,
            "--key-file", keyFile,
            "--profiles", RepositoryPaths.Profiles,
            "--push", "127.0.0.1:" + pushPort.ToString(CultureInfo.InvariantCulture),
            "--listen", "http://127.0.0.1:0",
            "--log-level", "warning",
            "--backfill-lookback", "30.00:00:00",
            "--backfill-period", "00:00:02",
        ], _directory, ProcessTimeout);
        using var http = new HttpClient { BaseAddress = await server.WebApiAsync(ProcessTimeout), Timeout = TimeSpan.FromSeconds(10) };
        try
        {
            await WaitUntilAsync(async () => await ReadyAsync(http) == HttpStatusCode.OK && (await StoredAsync(console, meters, built)).Values.All(s => s.Count > 0),
                "the node is ready and has stored readings of every meter", server, token);
            var before = await StoredAsync(console, meters, built);

            var stopwatch = Stopwatch.StartNew();
            await begin();
            var outageFrom = fleet.Time.GetUtcNow();
            await WaitUntilAsync(async () => await ReadyAsync(http) == HttpStatusCode.ServiceUnavailable, "the node reports not ready", server, token);
            var notReadyAfter = stopwatch.Elapsed;

            // The meters push through eight more intervals while the store is away.
            await WaitUntilAsync(() => Task.FromResult(fleet.Time.GetUtcNow() >= outageFrom + (8 * Interval)), "eight intervals pushed during the outage", server, token);
            Assert.False(server.HasExited, $"the node stopped during the outage:{Environment.NewLine}{server.RecentOutput}");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, await ReadyAsync(http));

            await end();
            var until = FloorToInterval(fleet.Time.GetUtcNow());
            stopwatch.Restart();
            await WaitUntilAsync(async () => await ReadyAsync(http) == HttpStatusCode.OK, "the node is ready again", server, token);
            var readyAfter = stopwatch.Elapsed;
            await WaitUntilAsync(async () => Missing(await StoredAsync(console, meters, built), built, until) == 0,
                $"every interval up to {until:u} is stored", server, token);
            var caughtUp = stopwatch.Elapsed;

            Assert.False(server.HasExited, $"the node stopped:{Environment.NewLine}{server.RecentOutput}");
            var after = await StoredAsync(console, meters, built);
            foreach (var (meter, times) in before)
            {
                Assert.True(times.IsSubsetOf(after[meter]), $"meter {meter}: readings committed before the outage are gone");
            }

            Assert.DoesNotContain(server.ServiceLines, l => l.Contains("stopping the node", StringComparison.Ordinal));
            Assert.Contains(server.ServiceLines, l => l.Contains("Ingest: the store refused a batch", StringComparison.Ordinal));
            foreach (var line in server.ServiceLines.Distinct().Take(10))
            {
                output.WriteLine("the node said: " + line);
            }

            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"not ready {notReadyAfter.TotalMilliseconds:F0} ms into the outage; after it, ready again in {readyAfter.TotalMilliseconds:F0} ms and every interval up to {until:u} stored in {caughtUp.TotalMilliseconds:F0} ms ({after.Values.Sum(s => s.Count)} intervals of {FleetSize} meters)"));
        }
        finally
        {
            await stopFleet.CancelAsync();
            await fleetRun.WaitAsync(TimeSpan.FromSeconds(30), CancellationToken.None);
        }
    }

    private FleetSimulatorOptions FleetOptions(DateTimeOffset start, int pushPort) => new()
    {
        Meters = FleetSize,
        Speed = Speed,
        Start = start,
        ProfilePath = RepositoryPaths.ProfilePath,
        ProvisioningPath = Path.Combine(_directory, "fleet.json"),
        StateDirectory = Path.Combine(_directory, "meters"),
        Hosting = new FleetHostOptions { Port = 0 },
        Push = new PushDestination(PushTransport.Tcp, "127.0.0.1", pushPort),
        TcpPush = new TcpWrapperPushSinkOptions { MinBackoff = TimeSpan.FromMilliseconds(100), MaxBackoff = TimeSpan.FromMilliseconds(500) },
    };

    /// <summary>The interval ends of every meter's block import energy after <paramref name="from"/>; a database that does not answer holds nothing yet.</summary>
    private static async Task<Dictionary<long, HashSet<DateTimeOffset>>> StoredAsync(HeadEndNode console, IReadOnlyList<HeadEnd.Meters.Meter> meters, DateTimeOffset from)
    {
        var stored = new Dictionary<long, HashSet<DateTimeOffset>>();
        foreach (var meter in meters)
        {
            try
            {
                var times = await console.Storage.Readings.GetIntervalTimesAsync(meter.Id, Quantity.BlockImportEnergy, from, from + TimeSpan.FromDays(30));
                Assert.Equal(times.Count, times.Distinct().Count());
                stored[meter.Id.Value] = [.. times];
            }
            catch (DbException)
            {
                stored[meter.Id.Value] = [];
            }
        }

        return stored;
    }

    private static int Missing(Dictionary<long, HashSet<DateTimeOffset>> stored, DateTimeOffset from, DateTimeOffset until)
    {
        var missing = 0;
        for (var time = from + Interval; time <= until; time += Interval)
        {
            missing += stored.Values.Count(s => !s.Contains(time));
        }

        return missing;
    }

    private static async Task<HttpStatusCode> ReadyAsync(HttpClient http)
    {
        try
        {
            using var response = await http.GetAsync(new Uri("/health/ready", UriKind.Relative));
            return response.StatusCode;
        }
        catch (HttpRequestException)
        {
            return 0;
        }
        catch (TaskCanceledException)
        {
            return 0;
        }
    }

    /// <summary>Writes zeros to <paramref name="path"/> until the file system says it is full; the bytes written.</summary>
    private static async Task<long> FillAsync(string path, CancellationToken token)
    {
        var chunk = new byte[64 * 1024];
        long written = 0;
        await using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 0);
        try
        {
            while (true)
            {
                await file.WriteAsync(chunk, token);
                written += chunk.Length;
            }
        }
        catch (IOException)
        {
            // ENOSPC: full.
        }

        try
        {
            // The last partial chunk, byte by byte, so that not even a page is left.
            while (true)
            {
                file.WriteByte(0);
                await file.FlushAsync(token);
                written++;
            }
        }
        catch (IOException)
        {
            return written;
        }
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what, ServeProcess server, CancellationToken token)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(token);
        timeout.CancelAfter(SettleTimeout);
        while (!await condition())
        {
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100), timeout.Token);
            }
            catch (OperationCanceledException) when (!token.IsCancellationRequested)
            {
                Assert.Fail($"Not within {SettleTimeout.TotalSeconds} s: {what}; the node {(server.HasExited ? "exited" : "runs")} and said:{Environment.NewLine}{server.RecentOutput}");
            }
        }
    }

    private static (int ExitCode, string Output) Run(string program, params string[] arguments)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{program} did not start");
        var text = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromSeconds(30)))
        {
            process.Kill();
        }

        return (process.ExitCode, text);
    }

    private static DateTimeOffset FloorToInterval(DateTimeOffset time) => new(time.UtcTicks - (time.UtcTicks % Interval.Ticks), TimeSpan.Zero);
}
