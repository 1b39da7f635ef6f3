using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Meterline.HeadEnd.Commands;
using Meterline.HeadEnd.Ingest;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Mqtt.Node;
using Meterline.Server.Hosting;
using Meterline.Simulator.Fleet;
using Meterline.Simulator.Hosting;
using Meterline.Simulator.Push;
using Meterline.Simulator.Radio;

namespace Meterline.LoadHarness;

/// <summary>
/// Disconnect latency of one node: a simulated fleet serves DLMS/TCP on loopback; the harness requests disconnect and
/// connect commands through <see cref="CommandService.RequestAsync"/> (what <c>POST /api/commands</c> does), wakes
/// the dispatcher, and measures until the dispatcher reports the command Confirmed — the relay read back in the
/// state asked. One meter's commands alternate disconnect, connect; <c>--concurrency</c> workers run on distinct meters.
/// <see cref="DisconnectSettings.Transport"/> says how the node reaches the meters: <c>tcp</c> (DLMS/TCP wrapper to
/// the fleet host), <c>mqtt</c> (the meters are MQTT clients of the node's embedded broker on loopback, each with its
/// own credentials; the DLMS session runs over their down and up topics) or <c>zigbee</c> (the meters' radios behind an
/// emulated XBee coordinator on a pseudo-terminal pair, the node's local coordinator on the other end, the link
/// model's defaults: air rate, hops, no loss).
/// </summary>
internal static class DisconnectRun
{
    private static readonly TimeSpan CommandBound = TimeSpan.FromSeconds(60);

    public static async Task<int> RunAsync(DisconnectSettings settings, TextWriter output, CancellationToken cancellationToken)
    {
        var directory = Directory.CreateTempSubdirectory("meterline-load-").FullName;
        try
        {
            var brokerPort = settings.Transport == "mqtt" ? FreeTcpPort() : 0;
            await using var fleet = await FleetSimulator.StartAsync(new FleetSimulatorOptions
            {
                Push = settings.Transport == "mqtt" ? new PushDestination(PushTransport.Mqtt, "127.0.0.1", brokerPort) : null,
                Radio = settings.Transport == "zigbee" ? new ZigbeeFleetOptions() : null,
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
                Mqtt = settings.Transport == "mqtt" ? new MqttNodeOptions { Listeners = [new IPEndPoint(IPAddress.Loopback, brokerPort)] } : null,
                Connections = new ConnectionGateOptions { MaxConnections = Math.Max(10_000, settings.Meters + 1_000), MaxConnectionsPerAddress = settings.Meters + 16 },
                ZigbeeSerialPort = settings.Transport == "zigbee" ? fleet.Radio!.DevicePath : null,
                MeterRequestTimeout = TimeSpan.FromSeconds(20),
            };
            LatencySummary latency;
            IReadOnlyList<CommandRecord> records;
            TimeSpan elapsed;
            TimeSpan cpuUsed;
            await using (var harness = await HarnessNode.StartAsync(options, fleet.ProvisioningPath, cancellationToken))
            {
                var node = harness.Node;
                var meters = await node.Meters.ReadAllAsync(cancellationToken).ToListAsync(cancellationToken);
                if (fleet.Mqtt is { } clients)
                {
                    // The meters connect (and reconnect every 2 s) on their own; the node's broker came up after them.
                    var connecting = Stopwatch.StartNew();
                    while (clients.Connected < settings.Meters)
                    {
                        if (connecting.Elapsed > CommandBound)
                        {
                            throw new TimeoutException(Invariant($"{clients.Connected} of {settings.Meters} meters connected to the broker in {CommandBound.TotalSeconds} s"));
                        }

                        await Task.Delay(50, cancellationToken);
                    }
                }

                var waiters = new ConcurrentDictionary<CommandId, TaskCompletionSource<CommandStateChange>>();
                using var stopWatching = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                var watching = WatchAsync(node.Dispatcher, waiters, stopWatching.Token);

                // One command per meter first, unmeasured: JIT, connection set-up and the first counter reservations.
                await Task.WhenAll(meters.Select(m => RunOneAsync(node, waiters, m.Id, new DisconnectParameters(), cancellationToken)));
                await Task.WhenAll(meters.Select(m => RunOneAsync(node, waiters, m.Id, new ConnectParameters(), cancellationToken)));

                var samples = new ConcurrentBag<TimeSpan>();
                var ids = new ConcurrentBag<CommandId>();
                var perWorker = settings.Commands / settings.Concurrency;
                var cpu = Process.GetCurrentProcess().TotalProcessorTime;
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
                cpuUsed = Process.GetCurrentProcess().TotalProcessorTime - cpu;
                await stopWatching.CancelAsync();
                await watching;
                latency = LatencySummary.Of(samples);
                var stored = await Task.WhenAll(ids.Select(id => node.Storage.Commands.GetAsync(id, cancellationToken)));
                records = stored.OfType<CommandRecord>().ToList();
                output.WriteLine(Invariant($"node: {node.Storage.Engine}; fleet: {settings.Meters} meters over {Described(settings.Transport)} (HLS-GMAC, ciphered); {settings.Concurrency} at a time; {SystemLoad.Now()}"));
            }

            output.WriteLine(Invariant($"request -> Confirmed (relay read back): {latency}"));
            output.WriteLine(Invariant($"  requested -> sent (dispatcher picks it up): {LatencySummary.Of(records.Select(r => r.SentAt!.Value - r.RequestedAt).ToList())}"));
            output.WriteLine(Invariant($"  sent -> confirmed (session, action, read back, stored): {LatencySummary.Of(records.Select(r => r.CompletedAt!.Value - r.SentAt!.Value).ToList())}"));
            output.WriteLine(Invariant($"throughput: {latency.Count / elapsed.TotalSeconds:0.0} commands/s; cpu {cpuUsed.TotalMilliseconds / latency.Count:0.0} ms per command (node and fleet in this process); {SystemLoad.Now()}"));
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

    private static string Described(string transport) => transport switch
    {
        "mqtt" => "MQTT (the node's embedded broker on loopback, a client per meter)",
        "zigbee" => "Zigbee (emulated XBee coordinator on a pty pair, the node's local coordinator)",
        _ => "DLMS/TCP (loopback)",
    };

    /// <summary>A loopback TCP port free a moment ago (the fleet's meters are told the broker's port before the node opens it).</summary>
    private static int FreeTcpPort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
