using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Meterline.HeadEnd.Commands;
using Meterline.HeadEnd.Meters;
using Meterline.Server.Hosting;
using Meterline.Simulator.Fleet;
using Meterline.Simulator.Hosting;

namespace Meterline.LoadHarness;

/// <summary>
/// Disconnect latency of one node: a simulated fleet serves DLMS/TCP on loopback; the harness requests disconnect and
/// connect commands through <see cref="CommandService.RequestAsync"/> (what <c>POST /api/commands</c> does), wakes
/// the dispatcher, and measures until the dispatcher reports the command Confirmed — the relay read back in the
/// state asked. One meter's commands alternate disconnect, connect; <c>--concurrency</c> workers run on distinct meters.
/// </summary>
internal static class DisconnectRun
{
    private static readonly TimeSpan CommandBound = TimeSpan.FromSeconds(60);

    public static async Task<int> RunAsync(DisconnectSettings settings, TextWriter output, CancellationToken cancellationToken)
    {
        var directory = Directory.CreateTempSubdirectory("meterline-load-").FullName;
        try
        {
            await using var fleet = await FleetSimulator.StartAsync(new FleetSimulatorOptions
            {
                Meters = settings.Meters,
                Start = DateTimeOffset.UtcNow,
                ProfilePath = HarnessPaths.ProfilePath,
                ProvisioningPath = Path.Combine(directory, "fleet.json"),
                StateDirectory = Path.Combine(directory, "meters"),
                Hosting = new FleetHostOptions { Port = 0 },
            }, cancellationToken);
            using var stopFleet = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var fleetRun = fleet.RunAsync(stopFleet.Token);

            var options = new HeadEndOptions
            {
                Database = settings.Database ?? Path.Combine(directory, "hes.db"),
                KeyFile = Path.Combine(directory, "hes.kek"),
                CreateKeyFile = true,
                ProfilesDirectory = HarnessPaths.Profiles,
                PushListeners = [],
                Scheduler = null,
                Backfill = null,
            };
            LatencySummary latency;
            IReadOnlyList<CommandRecord> records;
            TimeSpan elapsed;
            await using (var harness = await HarnessNode.StartAsync(options, fleet.ProvisioningPath, cancellationToken))
            {
                var node = harness.Node;
                var meters = await node.Meters.ReadAllAsync(cancellationToken).ToListAsync(cancellationToken);
                var waiters = new ConcurrentDictionary<CommandId, TaskCompletionSource<CommandStateChange>>();
                using var stopWatching = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                var watching = WatchAsync(node.Dispatcher, waiters, stopWatching.Token);

                // One command per meter first, unmeasured: JIT, connection set-up and the first counter reservations.
                await Task.WhenAll(meters.Select(m => RunOneAsync(node, waiters, m.Id, new DisconnectParameters(), cancellationToken)));
                await Task.WhenAll(meters.Select(m => RunOneAsync(node, waiters, m.Id, new ConnectParameters(), cancellationToken)));

                var samples = new ConcurrentBag<TimeSpan>();
                var ids = new ConcurrentBag<CommandId>();
                var perWorker = settings.Commands / settings.Concurrency;
                var clock = Stopwatch.StartNew();
                await Task.WhenAll(Enumerable.Range(0, settings.Concurrency).Select(async worker =>
                {
                    for (var i = 0; i < perWorker; i++)
                    {
                        var meter = meters[(worker + (i / 2 * settings.Concurrency)) % meters.Count].Id;
                        CommandParameters parameters = i % 2 == 0 ? new DisconnectParameters() : new ConnectParameters();
                        var started = Stopwatch.GetTimestamp();
                        var (id, change) = await RunOneAsync(node, waiters, meter, parameters, cancellationToken);
                        samples.Add(Stopwatch.GetElapsedTime(started));
                        ids.Add(id);
                        if (change.State != CommandState.Confirmed)
                        {
                            throw new InvalidOperationException($"Command {id} ended {change.State}: {change.Result}");
                        }
                    }
                }));
                elapsed = clock.Elapsed;
                await stopWatching.CancelAsync();
                await watching;
                latency = LatencySummary.Of(samples);
                var stored = await Task.WhenAll(ids.Select(id => node.Storage.Commands.GetAsync(id, cancellationToken)));
                records = stored.OfType<CommandRecord>().ToList();
                output.WriteLine(Invariant($"node: {node.Storage.Engine}; fleet: {settings.Meters} meters over DLMS/TCP (loopback, HLS-GMAC, ciphered); {settings.Concurrency} at a time"));
            }

            output.WriteLine(Invariant($"request -> Confirmed (relay read back): {latency}"));
            output.WriteLine(Invariant($"  requested -> sent (dispatcher picks it up): {LatencySummary.Of(records.Select(r => r.SentAt!.Value - r.RequestedAt).ToList())}"));
            output.WriteLine(Invariant($"  sent -> confirmed (session, action, read back, stored): {LatencySummary.Of(records.Select(r => r.CompletedAt!.Value - r.SentAt!.Value).ToList())}"));
            output.WriteLine(Invariant($"throughput: {latency.Count / elapsed.TotalSeconds:0.0} commands/s"));
            await stopFleet.CancelAsync();
            await fleetRun;
            return 0;
        }
        finally
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static async Task<(CommandId Id, CommandStateChange Change)> RunOneAsync(
        HeadEndNode node, ConcurrentDictionary<CommandId, TaskCompletionSource<CommandStateChange>> waiters, MeterId meter, CommandParameters parameters, CancellationToken cancellationToken)
    {
        var record = await node.CommandService.RequestAsync(new CommandSubmission(meter, parameters, "load-harness"), cancellationToken);
        var done = waiters.GetOrAdd(record.Id, _ => new TaskCompletionSource<CommandStateChange>(TaskCreationOptions.RunContinuationsAsynchronously));
        node.Dispatcher.Wake();
        var change = await done.Task.WaitAsync(CommandBound, cancellationToken);
        waiters.TryRemove(record.Id, out _);
        return (record.Id, change);
    }

    /// <summary>Completes each command's waiter at its final state change (the dispatcher's bounded feed).</summary>
    private static async Task WatchAsync(CommandDispatcher dispatcher, ConcurrentDictionary<CommandId, TaskCompletionSource<CommandStateChange>> waiters, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var change in dispatcher.Changes.ReadAllAsync(cancellationToken))
            {
                if (change.State is CommandState.Confirmed or CommandState.Failed or CommandState.TimedOut or CommandState.Cancelled)
                {
                    waiters.GetOrAdd(change.Id, _ => new TaskCompletionSource<CommandStateChange>(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult(change);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
