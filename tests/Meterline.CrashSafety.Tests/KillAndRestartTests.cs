using System.Diagnostics;
using System.Globalization;
using Meterline.HeadEnd.Commands;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Readings;
using Meterline.Server.Hosting;
using Meterline.Simulator.Fleet;
using Meterline.Simulator.Hosting;
using Meterline.Simulator.Push;
using Xunit.Abstractions;

namespace Meterline.CrashSafety.Tests;

/// <summary>
/// The real <c>meterline serve</c> on SQLite, killed with SIGKILL at random moments while a simulated fleet pushes to
/// it over the TCP wrapper and commands are on their way to the meters, and restarted on the same database.
/// <para>
/// <b>What "acknowledged" means on this path.</b> The IEC 62056-47 wrapper has no application acknowledgement:
/// <c>WrapperPushReceiver</c> submits every frame with no <c>IFrameAcknowledgement</c>, and a meter counts a push
/// as delivered once its TCP write is accepted by the kernel. The only acknowledgement the head-end gives is its
/// commit: a reading is acknowledged when the transaction of the batch carrying it has committed
/// (<c>IReadingStore.WriteAsync</c> returned — the moment the pipeline would complete an acknowledgement with
/// <c>Committed</c> and raise the meter's push counter mark), which another connection to the database can see.
/// What the process held between the socket and that commit (kernel buffers, a frame being read, the ingest queues,
/// a batch being collected or written) is in flight: a SIGKILL may lose it, and gap detection and back-fill fetch
/// the lost intervals from the meters' load profiles. Alerts and billing pushes lost in flight are not fetched back
/// (the meters consider them delivered); only interval data is.
/// </para>
/// <para>
/// So the test asserts: everything a read-only connection saw committed before a kill, and everything committed at
/// the kill, is still there, unchanged, after every restart; no (meter, quantity, time) is stored twice and
/// <c>PRAGMA integrity_check</c> is ok; after the last restart (with a short back-fill period) every interval of
/// every meter up to that moment is stored exactly once with the value the meter's load profile holds; and the
/// outgoing invocation counters are never reused — the reservations stored only grow, and no meter ever refused a
/// client counter.
/// </para>
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA5394", Justification = "A seeded Random picks the kill moments so that a failing run can be repeated; nothing here is secret.")]
public sealed class KillAndRestartTests(ITestOutputHelper output) : IDisposable
{
    private const int FleetSize = 20;

    /// <summary>A 15-minute interval every half second: 40 pushes a second from the fleet, within the guard's per-meter bucket between kills.</summary>
    private const double Speed = 1_800;

    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(15);
    private static readonly TimeSpan ProcessTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(120);
    private readonly string _directory = Directory.CreateTempSubdirectory("meterline-crash-").FullName;

    public void Dispose()
    {
        if (Environment.GetEnvironmentVariable("METERLINE_CRASH_KEEP") is not null)
        {
            return;
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
    public async Task Serve_KilledMidIngestAndRestartedRepeatedly_KeepsEveryCommittedReadingOnceBackfillsTheRestAndNeverReusesACounter()
    {
        var settings = CrashTestSettings.FromEnvironment();
        using var bound = new CancellationTokenSource(TimeSpan.FromMinutes(5) + (settings.Cycles * TimeSpan.FromSeconds(15)));
        var token = bound.Token;
        var random = new Random(settings.Seed);
        output.WriteLine($"{settings.Cycles} kills, seed {settings.Seed} (METERLINE_CRASH_CYCLES, METERLINE_CRASH_SEED), in {_directory}");

        var database = Path.Combine(_directory, "hes.db");
        var keyFile = Path.Combine(_directory, "hes.kek");
        var pushPort = FreePort.Next();

        // The meters' day starts 45 days back on the head-end's real clock, and the meters' clocks must stay behind the
        // head-end's for the whole run: the gap detector leaves intervals it thinks are in the future alone. At 1,800x
        // that is 36 min of real time, more than the test's bound (30 min at 100 cycles). (With 20 days, 16 min, a run
        // on a loaded machine that took 19 min overtook the real clock and its last back-fill left 320 values.) A 60-day
        // look-back covers the whole run; the meters' 35-day profile holds 28 min of it, which a run inside the bound
        // that is not stalled for long stays within.
        var start = new DateTimeOffset((DateTimeOffset.UtcNow - TimeSpan.FromDays(45)).UtcDateTime.Date, TimeSpan.Zero);
        await using var fleet = await FleetSimulator.StartAsync(FleetOptions(start, pushPort), token);

        // A meter's load profile begins at the first interval that ends after it was built: every meter has every
        // interval that ends after this moment.
        var built = FloorToInterval(fleet.Time.GetUtcNow());

        // This process's own node (no listeners, no services): it provisions the fleet, requests commands as an
        // operator would, and reads the meters at the end.
        await using var console = await HeadEndNode.OpenAsync(ConsoleOptions(database, keyFile), token);
        var import = await console.Provisioner.ImportFileAsync(fleet.ProvisioningPath, "crash-test", token);
        Assert.Equal(FleetSize, import.Added);
        var meters = await console.Meters.ReadAllAsync(token).ToListAsync(token);
        var traffic = new CommandTraffic(console.CommandService, meters, random);

        using var stopFleet = CancellationTokenSource.CreateLinkedTokenSource(token);
        var fleetRun = fleet.RunAsync(stopFleet.Token);
        var server = await StartServeAsync(database, keyFile, pushPort, backfill: false);
        var lives = new CycleTimes();
        try
        {
            var first = await CommittedState.ReadAsync(database);
            var committed = first;
            for (var cycle = 1; cycle <= settings.Cycles; cycle++)
            {
                // The kill comes at a random moment after this life's first acknowledged push (a batch committed
                // that the previous life did not hold): the node has recovered and ingests, and a kill then lands
                // amid collecting, writing and committing batches and amid command sessions.
                var lifeStarted = Stopwatch.GetTimestamp();
                await traffic.RequestAsync(2, token);
                await WaitUntilAsync(
                    async () => await CommittedState.CountReadingsAsync(database) > committed.Readings.Count,
                    () => Task.FromResult($"cycle {cycle}: a push committed after the restart; the node said:{Environment.NewLine}{server.RecentOutput}"),
                    token,
                    TimeSpan.FromMilliseconds(20));
                var toFirstCommit = Stopwatch.GetElapsedTime(lifeStarted);
                var running = await CommittedState.ReadAsync(database);

                // One more command, then the kill: on even cycles as soon as a command is seen on its way to a meter
                // (Sent: its counter block reserved, its session opening or open), else at a random moment.
                await traffic.RequestAsync(1, token);
                var caughtSent = cycle % 2 == 0 && await WaitForSentAsync(database, TimeSpan.FromSeconds(1), token);
                await Task.Delay(TimeSpan.FromMilliseconds(caughtSent ? random.Next(0, 150) : random.Next(0, 400)), token);
                await server.KillHardAsync(ProcessTimeout);
                var lived = Stopwatch.GetElapsedTime(lifeStarted);

                // The next process starts while this one's remains are checked: the check reads through its own
                // read-only connection, and whatever the next process commits meanwhile is committed too.
                var restartStarted = Stopwatch.GetTimestamp();
                var next = StartServeAsync(database, keyFile, pushPort, backfill: cycle == settings.Cycles);
                CommittedState atKill;
                try
                {
                    atKill = await CommittedState.ReadAsync(database);
                    AssertKept(running, atKill, $"cycle {cycle}, seen committed while the node ran");
                    AssertKept(committed, atKill, $"cycle {cycle}, committed at the previous kill");
                    AssertSound(atKill, $"cycle {cycle}");
                    AssertNoMeterRefusedACounter(fleet, $"cycle {cycle}");
                }
                catch
                {
                    await DisposeStartedAsync(next);
                    throw;
                }

                server = await next;
                var restart = Stopwatch.GetElapsedTime(restartStarted);
                lives.Add(restart, toFirstCommit, lived);
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"cycle {cycle}: killed {(caughtSent ? "with a command on its way" : "at a random moment")} {lived.TotalMilliseconds:F0} ms into its life (first commit after {toFirstCommit.TotalMilliseconds:F0} ms); {atKill.Readings.Count} readings, {atKill.CommandStates.Count} commands ({Count(atKill, CommandState.Requested)} requested, {Count(atKill, CommandState.Sent)} sent) at the kill; the next process ready after {restart.TotalMilliseconds:F0} ms"));
                committed = atKill;
            }

            output.WriteLine(lives.Describe());

            // Everything the meters captured before the last restart must end up stored: what was lost in flight at
            // the kills (and what the meters still held) is pushed now or fetched by back-fill.
            var end = FloorToInterval(fleet.Time.GetUtcNow());
            var ids = meters.Select(m => (long)m.Id.Value).ToArray();

            // Commands while back-fill reads the same meters (its first run is 2 s after the start): the node's
            // sessions with one meter must not overlap, or the meter refuses the older session's counters.
            for (var wave = 0; wave < 8; wave++)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500), token);
                await traffic.RequestAsync(4, token);
            }

            await WaitUntilAsync(
                async () => (await CommittedState.ReadAsync(database)).CommandStates.Values.All(IsFinal),
                () => Task.FromResult("every command reaches a final state"),
                token);
            await WaitUntilAsync(
                async () => MissingIntervals(await CommittedState.ReadAsync(database), ids, built, end).Count == 0,
                async () => $"every interval is stored; still missing: {Describe(MissingIntervals(await CommittedState.ReadAsync(database), ids, built, end))}; the node said:{Environment.NewLine}{server.RecentOutput}",
                token);
            await server.KillHardAsync(ProcessTimeout);

            var final = await CommittedState.ReadAsync(database);
            AssertKept(committed, final, "after the last restart");
            AssertSound(final, "at the end");
            Assert.Empty(MissingIntervals(final, ids, built, end));
            AssertNoMeterRefusedACounter(fleet, "at the end");
            Assert.Contains(final.CommandStates.Values, s => s == (int)CommandState.Confirmed);
            Assert.True(final.OutgoingCounters.Values.Sum() > first.OutgoingCounters.Values.Sum(), "commands reserved outgoing counter blocks");
            await AssertStoredAsTheMetersHoldAsync(console, meters, final, start, built, end, token);
            var audit = await console.AuditVerifier.VerifyAsync(cancellationToken: token);
            Assert.True(audit.IsIntact, audit.Reason);

            var failed = await console.Storage.Commands.GetByStateAsync([CommandState.Failed, CommandState.TimedOut], 1_000, token);
            foreach (var reason in failed.GroupBy(c => $"{c.Kind} {c.State}: {c.Result}").OrderByDescending(g => g.Count()))
            {
                output.WriteLine($"{reason.Count()} x {reason.Key}");
            }

            var inRange = final.Readings.Where(r => r.Key.Time > Microseconds(built) && r.Key.Time <= Microseconds(end) && r.Key.Quantity == Quantity.BlockImportEnergy.Code).ToList();
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{Intervals(built, end)} intervals x {FleetSize} meters up to {end:u}: {inRange.Count(r => (r.Value.Quality & (int)ReadingQuality.BackFilled) != 0)} back-filled, the rest pushed; {final.CommandStates.Count} commands ({Count(final, CommandState.Confirmed)} confirmed, {Count(final, CommandState.Failed)} failed); {final.OutgoingCounters.Values.Sum()} outgoing counter values reserved; audit {audit.EntriesVerified} entries intact"));
        }
        finally
        {
            await server.DisposeAsync();
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

    private static HeadEndOptions ConsoleOptions(string database, string keyFile) => new()
    {
        Database = database,
        KeyFile = keyFile,
        CreateKeyFile = true,
        ProfilesDirectory = RepositoryPaths.Profiles,
        PushListeners = [],
        Scheduler = null,
        Backfill = null,
    };

    private async Task<ServeProcess> StartServeAsync(string database, string keyFile, int pushPort, bool backfill)
    {
        List<string> arguments =
        [
            "--db", database,
            "--key-file", keyFile,
            "--profiles", RepositoryPaths.Profiles,
            "--push", "127.0.0.1:" + pushPort.ToString(CultureInfo.InvariantCulture),
            // The web API is not used here: port 0 lets the system bind a free port itself. A port picked in advance
            // (FreePort) can be taken before the node binds it, e.g. as the local port of a meter's reconnect, and
            // over 100 restarts that happened (a CI run: "address already in use").
            "--listen", "http://127.0.0.1:0",
            "--log-level", "warning",
            "--backfill-lookback", "60.00:00:00",
        ];
        if (backfill)
        {
            arguments.AddRange(["--backfill-period", "00:00:02"]);
        }

        return await ServeProcess.StartAsync(arguments, _directory, ProcessTimeout);
    }

    private static void AssertKept(CommittedState before, CommittedState after, string when)
    {
        var lost = before.LostIn(after);
        Assert.True(lost.Count == 0, $"{when}: {lost.Count} committed items lost or changed, e.g. {string.Join("; ", lost.Take(5))}");
    }

    private static void AssertSound(CommittedState state, string when)
    {
        Assert.True(state.IntegrityCheck == "ok", $"{when}: integrity_check says {state.IntegrityCheck}");
        Assert.True(state.DuplicateReadingKeys == 0, $"{when}: {state.DuplicateReadingKeys} (time, meter, quantity) keys stored more than once");
    }

    private static void AssertNoMeterRefusedACounter(FleetSimulator fleet, string when)
    {
        var refusing = fleet.Meters.Where(m => m.Meter.ClientCounterRefusals != 0).Select(m => $"{m.Id} refused {m.Meter.ClientCounterRefusals}").ToList();
        Assert.True(refusing.Count == 0, $"{when}: meters refused the head-end's invocation counters: {string.Join(", ", refusing)}");
    }

    /// <summary>The (meter, quantity, interval end) of the four block profile quantities in (from, end] that the store lacks.</summary>
    private static List<(long Meter, short Quantity, DateTimeOffset Time)> MissingIntervals(CommittedState state, long[] meters, DateTimeOffset from, DateTimeOffset end)
    {
        Quantity[] quantities = [Quantity.BlockImportEnergy, Quantity.BlockExportEnergy, Quantity.BlockAverageVoltage, Quantity.BlockAverageCurrent];
        var missing = new List<(long, short, DateTimeOffset)>();
        for (var time = from + Interval; time <= end; time += Interval)
        {
            foreach (var meter in meters)
            {
                foreach (var quantity in quantities)
                {
                    if (!state.Readings.ContainsKey((Microseconds(time), meter, quantity.Code)))
                    {
                        missing.Add((meter, quantity.Code, time));
                    }
                }
            }
        }

        return missing;
    }

    private static string Describe(List<(long Meter, short Quantity, DateTimeOffset Time)> missing) =>
        string.Create(CultureInfo.InvariantCulture, $"{missing.Count} values, e.g. {string.Join(", ", missing.Take(8).Select(m => $"meter {m.Meter} quantity {m.Quantity} at {m.Time:u}"))}");

    /// <summary>
    /// Reads every meter's load profile over (start, end] through this process's connector (the node is stopped: no
    /// other session interleaves its counters) and compares it with what is stored; every meter holds every interval
    /// after <paramref name="built"/>.
    /// </summary>
    private static async Task AssertStoredAsTheMetersHoldAsync(HeadEndNode console, IReadOnlyList<HeadEnd.Meters.Meter> meters, CommittedState stored, DateTimeOffset start, DateTimeOffset built, DateTimeOffset end, CancellationToken token)
    {
        var connector = Assert.Single(console.Connectors);
        foreach (var meter in meters)
        {
            IReadOnlyList<IntervalReading> profile;
            var session = await connector.OpenAsync(meter, token);
            await using (session)
            {
                profile = await session.ReadLoadProfileAsync(meter.Id, start + Interval, end, token);
            }

            Assert.Equal(Intervals(built, end), profile.Count(r => r.Quantity == Quantity.BlockImportEnergy && r.Time > built));
            foreach (var reading in profile)
            {
                Assert.True(stored.Readings.TryGetValue((Microseconds(reading.Time), meter.Id.Value, reading.Quantity.Code), out var value),
                    $"meter {meter.Serial}: {reading.Quantity} at {reading.Time:u} is not stored");
                Assert.True(Math.Abs(value.Value - reading.Value) <= 1e-9 * Math.Max(1, Math.Abs(reading.Value)),
                    $"meter {meter.Serial}: {reading.Quantity} at {reading.Time:u} is stored as {value.Value}, the meter holds {reading.Value}");
            }
        }
    }

    private static async Task DisposeStartedAsync(Task<ServeProcess> starting)
    {
        try
        {
            await (await starting).DisposeAsync();
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException)
        {
            // It did not start; StartAsync has disposed of it.
        }
    }

    private static Task WaitUntilAsync(Func<Task<bool>> condition, Func<Task<string>> what, CancellationToken token) =>
        WaitUntilAsync(condition, what, token, TimeSpan.FromMilliseconds(500));

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, Func<Task<string>> what, CancellationToken token, TimeSpan poll)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(token);
        timeout.CancelAfter(SettleTimeout);
        while (!await condition())
        {
            try
            {
                await Task.Delay(poll, timeout.Token);
            }
            catch (OperationCanceledException) when (!token.IsCancellationRequested)
            {
                Assert.Fail($"Not within {SettleTimeout.TotalSeconds} s: {await what()}");
            }
        }
    }

    /// <summary>Polls until a command is Sent; false when none is within <paramref name="limit"/>.</summary>
    private static async Task<bool> WaitForSentAsync(string database, TimeSpan limit, CancellationToken token)
    {
        var until = DateTimeOffset.UtcNow + limit;
        while (DateTimeOffset.UtcNow < until)
        {
            if (await CommittedState.CountCommandsAsync(database, (int)CommandState.Sent) > 0)
            {
                return true;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(5), token);
        }

        return false;
    }

    private static bool IsFinal(int state) => state is (int)CommandState.Confirmed or (int)CommandState.Failed or (int)CommandState.TimedOut or (int)CommandState.Cancelled;

    private static int Count(CommittedState state, CommandState which) => state.CommandStates.Values.Count(s => s == (int)which);

    private static int Intervals(DateTimeOffset start, DateTimeOffset end) => (int)((end - start).Ticks / Interval.Ticks);

    private static DateTimeOffset FloorToInterval(DateTimeOffset time) => new(time.UtcTicks - (time.UtcTicks % Interval.Ticks), TimeSpan.Zero);

    private static long Microseconds(DateTimeOffset time) => (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / TimeSpan.TicksPerMicrosecond;
}
