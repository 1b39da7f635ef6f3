using System.CommandLine;

namespace Meterline.LoadHarness;

/// <summary>
/// The head-end load harness (see BENCHMARKS.md, "Head-end (issue 6)"):
/// <c>ingest</c> — sustained ingest of authenticated DataNotifications into one node over the TCP wrapper, MQTT (embedded
/// broker or a private mosquitto), through a gateway (DLMS/TCP in, spool, mosquitto out) or CoAP (BENCHMARKS.md, "Ingest by transport");
/// <c>disconnect</c> — request-to-confirmed latency of disconnect/connect commands against simulated meters;
/// <c>flood</c> — honest delivery and latency, quiet and under a flood, and the guard's refusal throughput (BENCHMARKS.md, "Ingress under attack").
/// <c>publish</c> — the northbound relay's publish rate to an AMQP broker.
/// <c>mqtt-publishers</c> (hidden) — the fleet's lean MQTT publishers as <c>ingest</c>'s child process (<see cref="PublisherProcess"/>).
/// <c>storm</c> — a restoration storm: every meter pushes once within a window; drain time, loss checked in the store (BENCHMARKS.md, "Performance record (issue 10)");
/// <c>memory</c> — memory per idle connected meter over DLMS/TCP or MQTT (its clients run as <c>idle-clients</c> child processes).
/// Both take <c>--db</c>: a SQLite path or an Npgsql connection string to an EMPTY database (default: a temporary
/// SQLite file). Each run is bounded by <c>--timeout</c>.
/// </summary>
public static class Program
{
    public static Task<int> Main(string[] args) => Build(Console.Out).Parse(args).InvokeAsync();

    private static RootCommand Build(TextWriter output)
    {
        var database = new Option<string?>("--db") { Description = "SQLite file or Npgsql connection string of an empty database (default: a temporary SQLite file)" };
        var timeout = new Option<int>("--timeout") { Description = "Seconds the whole run may take", DefaultValueFactory = _ => 600 };

        var meters = new Option<int>("--meters") { Description = "Meters in the simulated fleet", DefaultValueFactory = _ => 2_000 };
        var intervals = new Option<int>("--intervals") { Description = "15-minute intervals each meter pushes", DefaultValueFactory = _ => 24 };
        var connections = new Option<int>("--connections") { Description = "TCP wrapper connections the pushes are spread over", DefaultValueFactory = _ => 4 };
        var rate = new Option<double>("--rate") { Description = "Pushes per second offered (0: as fast as the node takes them)", DefaultValueFactory = _ => 0 };
        var batch = new Option<int>("--batch-records") { Description = "The ingest pipeline's MaxBatchRecords (records per write transaction)", DefaultValueFactory = _ => new HeadEnd.Ingest.IngestPipelineOptions().MaxBatchRecords };
        var guard = new Option<string>("--guard") { Description = "relaxed (no rate limits) or default (the node's per-source and per-meter buckets)", DefaultValueFactory = _ => "relaxed" };
        var amqpUri = new Option<string?>("--amqp-uri") { Description = "Publish northbound through the outbox to this AMQP broker (amqp://user@host:port/); the time to empty the outbox is reported" };
        var amqpPassword = new Option<string?>("--amqp-password-env") { Description = "Name of the environment variable holding the AMQP password" };
        var transport = new Option<string>("--transport")
        {
            Description = "tcp (DLMS wrapper over --connections connections), mqtt (embedded broker, a client per meter, PUBACK after commit), mqtt-external (a private mosquitto, the node's shared subscription; mosquitto alone measured first), gateway (DLMS/TCP over --connections connections to a gateway with a spool, bridged to a private mosquitto the node consumes), coap (an endpoint per meter, 2.04 after commit)",
            DefaultValueFactory = _ => "tcp",
        };
        var window = new Option<int>("--window") { Description = "MQTT: publishes in flight per meter (CoAP: always 1, a meter's pushes must arrive in counter order)", DefaultValueFactory = _ => 1 };
        var publishers = new Option<string>("--publishers") { Description = "MQTT: process (lean raw-socket publishers, one socket per meter, in a child process), raw (the same in this process) or mqttnet (an MQTTnet client per meter, in this process); the mosquitto baseline uses the same", DefaultValueFactory = _ => "process" };
        var consumerWorkers = new Option<int>("--consumer-workers") { Description = "mqtt-external: the node consumer's messages handled at once (0: its default)", DefaultValueFactory = _ => 0 };
        var consumerQueue = new Option<int>("--consumer-queue") { Description = "mqtt-external: the node consumer's queue and receive maximum (0: its default)", DefaultValueFactory = _ => 0 };
        var followers = new Option<string>("--followers") { Description = "all (the node's followers of committed records run) or none (analytics, power quality, prepaid and outages off: their cost by difference)", DefaultValueFactory = _ => "all" };
        var followerShare = new Option<double>("--follower-share") { Description = "The pipeline's FollowerShare: the share of its time each follower may spend in rounds while records keep coming (1: rounds back to back)", DefaultValueFactory = _ => new HeadEnd.Ingest.IngestPipelineOptions().FollowerShare };
        var warmupIntervals = new Option<int>("--warmup-intervals") { Description = "tcp: the first N intervals of every meter are sent, committed and followed before the clock starts (the node's steady state, not its first seconds); fewer than --intervals", DefaultValueFactory = _ => 0 };
        var windowMemory = new Option<int>("--analytics-window-memory") { Description = "MiB the analytics and power quality may each hold touched meters' windows in (the node's --analytics-window-memory; 0: every round reads the store, as before session 22)", DefaultValueFactory = _ => 64 };
        var ingest = new Command("ingest", "Sustained ingest: authenticated DataNotifications committed per second") { database, timeout, meters, intervals, connections, rate, batch, guard, amqpUri, amqpPassword, transport, window, publishers, consumerWorkers, consumerQueue, followers, followerShare, warmupIntervals, windowMemory };
        ingest.SetAction(async (result, cancellationToken) =>
        {
            var settings = new IngestSettings(result.GetValue(database), Positive(result.GetValue(meters), "--meters"), Positive(result.GetValue(intervals), "--intervals"),
                Positive(result.GetValue(connections), "--connections"), Math.Max(0, result.GetValue(rate)), Positive(result.GetValue(batch), "--batch-records"), result.GetValue(guard) != "default",
                result.GetValue(amqpUri) is { } uri ? new Uri(uri) : null, result.GetValue(amqpPassword) is { } variable ? Environment.GetEnvironmentVariable(variable) : null,
                IngestSettings.Transports.Contains(result.GetValue(transport)) ? result.GetValue(transport)! : throw new ArgumentException($"--transport is one of {string.Join(", ", IngestSettings.Transports)}"),
                Positive(result.GetValue(window), "--window"), result.GetValue(publishers) is "process" or "raw" or "mqttnet" ? result.GetValue(publishers)! : throw new ArgumentException("--publishers is process, raw or mqttnet"),
                Math.Max(0, result.GetValue(consumerWorkers)), Math.Max(0, result.GetValue(consumerQueue)),
                IngestSettings.FollowerChoices.Contains(result.GetValue(followers)) ? result.GetValue(followers)! : throw new ArgumentException("--followers is all or none"),
                result.GetValue(followerShare) is > 0 and <= 1 and var share ? share : throw new ArgumentException("--follower-share is in (0, 1]"),
                result.GetValue(warmupIntervals) is var warm && warm >= 0 && warm < result.GetValue(intervals) && (warm == 0 || result.GetValue(transport) == "tcp") ? warm : throw new ArgumentException("--warmup-intervals is 0 to --intervals - 1, and only with --transport tcp"),
                result.GetValue(windowMemory) is >= 0 and <= 65_536 and var mib ? mib : throw new ArgumentException("--analytics-window-memory is 0 to 65536 (MiB)"));
            using var bound = Bound(cancellationToken, result.GetValue(timeout));
            try
            {
                return await IngestRun.RunAsync(settings, output, bound.Token);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // System.CommandLine ends with exit code 1 but does not say why (a cancelled wait, say).
                await Console.Error.WriteLineAsync(e.ToString());
                throw;
            }
        });

        var commandMeters = new Option<int>("--meters") { Description = "Meters in the simulated fleet", DefaultValueFactory = _ => 20 };
        var commands = new Option<int>("--commands") { Description = "Commands measured (disconnect and connect alternately)", DefaultValueFactory = _ => 200 };
        var concurrency = new Option<int>("--concurrency") { Description = "Commands in flight at once, each on its own meter", DefaultValueFactory = _ => 1 };
        var commandTransport = new Option<string>("--transport") { Description = "How the node reaches the meters: tcp (DLMS/TCP wrapper), mqtt (embedded broker on loopback) or zigbee (emulated coordinator on a pty pair)", DefaultValueFactory = _ => "tcp" };
        var disconnect = new Command("disconnect", "Disconnect latency: command requested to relay state confirmed, p50/p99") { database, timeout, commandMeters, commands, concurrency, commandTransport };
        disconnect.SetAction(async (result, cancellationToken) =>
        {
            var settings = new DisconnectSettings(result.GetValue(database), Positive(result.GetValue(commandMeters), "--meters"), Positive(result.GetValue(commands), "--commands"),
                Math.Min(Positive(result.GetValue(concurrency), "--concurrency"), result.GetValue(commandMeters)),
                DisconnectSettings.Transports.Contains(result.GetValue(commandTransport)) ? result.GetValue(commandTransport)! : throw new ArgumentException($"--transport is one of {string.Join(", ", DisconnectSettings.Transports)}"));
            using var bound = Bound(cancellationToken, result.GetValue(timeout));
            return await DisconnectRun.RunAsync(settings, output, bound.Token);
        });

        var floodMeters = new Option<int>("--meters") { Description = "Honest meters, each on its own TCP connection and loopback address", DefaultValueFactory = _ => 200 };
        var floodPushes = new Option<int>("--pushes") { Description = "Pushes each honest meter sends per phase (quiet, then under the flood)", DefaultValueFactory = _ => 10 };
        var period = new Option<double>("--period") { Description = "Seconds between an honest meter's pushes", DefaultValueFactory = _ => 1 };
        var sourceRate = new Option<double>("--source-rate") { Description = "The node's per-source quota, pushes a second (burst: five seconds of it)", DefaultValueFactory = _ => 1_000 };
        var multiple = new Option<double>("--multiple") { Description = "The flood's rate as a multiple of the source quota", DefaultValueFactory = _ => 100 };
        var scheme = new Option<string>("--scheme") { Description = "The ingress flooded (its attack transport): tcp, udp, mqtt (as the fleet's extra meter, with its MQTT password: use --flood-connections 1) or coap", DefaultValueFactory = _ => "tcp" };
        var floodConnections = new Option<int>("--flood-connections") { Description = "Connections (sockets) the flood uses", DefaultValueFactory = _ => 4 };
        var samples = new Option<int>("--refusal-samples") { Description = "Frames the guard checks for the refusal throughput", DefaultValueFactory = _ => 2_000_000 };
        var flood = new Command("flood", "Ingress under attack: honest delivery and latency, quiet and under a flood at a multiple of the source quota; guard refusals per second per core")
        {
            database, timeout, floodMeters, floodPushes, period, sourceRate, multiple, scheme, floodConnections, samples,
        };
        flood.SetAction(async (result, cancellationToken) =>
        {
            var settings = new FloodSettings(result.GetValue(database), Math.Min(Positive(result.GetValue(floodMeters), "--meters"), 240 * 200), Positive(result.GetValue(floodPushes), "--pushes"),
                TimeSpan.FromSeconds(Math.Max(0.05, result.GetValue(period))), Math.Max(1, result.GetValue(sourceRate)), Math.Max(1, result.GetValue(multiple)), result.GetValue(scheme)!,
                Positive(result.GetValue(floodConnections), "--flood-connections"), Positive(result.GetValue(samples), "--refusal-samples"));
            using var bound = Bound(cancellationToken, result.GetValue(timeout));
            return await FloodRun.RunAsync(settings, output, bound.Token);
        });

        var publishMessages = new Option<int>("--messages") { Description = "Reading messages in the outbox", DefaultValueFactory = _ => 100_000 };
        var publishBatch = new Option<int>("--batch") { Description = "Messages per relay round (all in flight at once)", DefaultValueFactory = _ => new HeadEnd.Northbound.NorthboundOptions().BatchSize };
        var publishRounds = new Option<int>("--rounds") { Description = "Relay rounds in flight at once (1: round by round)", DefaultValueFactory = _ => new HeadEnd.Northbound.NorthboundOptions().RoundsInFlight };
        var publishUri = new Option<string>("--amqp-uri") { Description = "The AMQP broker (amqp://user@host:port/)", Required = true };
        var publishPassword = new Option<string?>("--amqp-password-env") { Description = "Name of the environment variable holding the AMQP password" };
        var publish = new Command("publish", "Northbound relay alone: outbox messages confirmed by the broker per second") { database, timeout, publishMessages, publishBatch, publishRounds, publishUri, publishPassword };
        publish.SetAction(async (result, cancellationToken) =>
        {
            using var bound = Bound(cancellationToken, result.GetValue(timeout));
            return await PublishRun.RunAsync(result.GetValue(database), Positive(result.GetValue(publishMessages), "--messages"), Positive(result.GetValue(publishBatch), "--batch"), Positive(result.GetValue(publishRounds), "--rounds"),
                new Uri(result.GetValue(publishUri)!), result.GetValue(publishPassword) is { } variable ? Environment.GetEnvironmentVariable(variable) : null, output, bound.Token);
        });

        var broker = new Option<string>("--broker") { Description = "The broker, address:port", Required = true };
        var provisioning = new Option<string>("--provisioning") { Description = "The fleet's provisioning file", Required = true };
        var pushesFile = new Option<string>("--pushes") { Description = "The recorded pushes (RecordedPushes.WriteByMeter)", Required = true };
        var mqttPublishers = new Command("mqtt-publishers", "Internal: the fleet's lean MQTT publishers as a child process of ingest (driven over standard input)") { timeout, broker, provisioning, pushesFile };
        mqttPublishers.Hidden = true;
        mqttPublishers.SetAction(async (result, cancellationToken) =>
        {
            using var bound = Bound(cancellationToken, result.GetValue(timeout));
            return await PublisherProcess.RunAsync(System.Net.IPEndPoint.Parse(result.GetValue(broker)!), result.GetValue(provisioning)!, result.GetValue(pushesFile)!, output, bound.Token);
        });

        var stormMeters = new Option<int>("--meters") { Description = "Meters in the storm, one push each", DefaultValueFactory = _ => 100_000 };
        var stormWindow = new Option<double>("--window") { Description = "Seconds the pushes are spread over", DefaultValueFactory = _ => 60 };
        var stormTransport = new Option<string>("--transport") { Description = "tcp or udp (the IEC 62056-47 wrapper)", DefaultValueFactory = _ => "tcp" };
        var stormConnections = new Option<int>("--connections") { Description = "TCP connections (or UDP sockets) carrying the pushes", DefaultValueFactory = _ => 64 };
        var stormGuard = new Option<string>("--guard") { Description = "relaxed (per-source quota lifted: the harness is one address) or default", DefaultValueFactory = _ => "relaxed" };
        var stormSeed = new Option<int>("--seed") { Description = "Seed of the order the meters push in", DefaultValueFactory = _ => 1 };
        var stormCache = new Option<string?>("--keep") { Description = "Directory where the recorded fleet and (SQLite) the database it was imported into are kept between runs" };
        var storm = new Command("storm", "Restoration storm: every meter pushes once within a window; time to drain, loss checked in the store, CPU per 1,000 readings")
        {
            database, timeout, stormMeters, stormWindow, stormTransport, stormConnections, batch, stormGuard, stormSeed, stormCache,
        };
        storm.SetAction(async (result, cancellationToken) =>
        {
            var settings = new StormSettings(result.GetValue(database), Positive(result.GetValue(stormMeters), "--meters"), TimeSpan.FromSeconds(Math.Max(0.001, result.GetValue(stormWindow))),
                StormSettings.Transports.Contains(result.GetValue(stormTransport)) ? result.GetValue(stormTransport)! : throw new ArgumentException($"--transport is one of {string.Join(", ", StormSettings.Transports)}"),
                Positive(result.GetValue(stormConnections), "--connections"), Positive(result.GetValue(batch), "--batch-records"), result.GetValue(stormGuard) != "default", result.GetValue(stormSeed), result.GetValue(stormCache));
            using var bound = Bound(cancellationToken, result.GetValue(timeout));
            return await StormRun.RunAsync(settings, output, bound.Token);
        });

        var memoryMeters = new Option<int>("--meters") { Description = "Meters in the kept fleet (at least the largest step)", DefaultValueFactory = _ => 15_000 };
        var memoryKeep = new Option<string?>("--keep") { Description = "Directory of a kept storm fleet (storm --keep); made there when missing" };
        var memoryTransport = new Option<string>("--transport") { Description = "tcp (DLMS wrapper, one push each, then idle) or mqtt (embedded broker)", DefaultValueFactory = _ => "tcp" };
        var memorySteps = new Option<string>("--steps") { Description = "Connection counts measured, ascending (the process's file limit bounds them: ulimit -n)", DefaultValueFactory = _ => "0,2500,5000,10000,15000" };
        var memoryHold = new Option<int>("--hold") { Description = "Seconds to hold the node and its connections after the last step (for dotnet-gcdump on the printed process id)", DefaultValueFactory = _ => 0 };
        var memory = new Command("memory", "Memory per connected meter: the node's GC heap, working set and private bytes as idle meters connect (clients in child processes)")
        {
            timeout, memoryMeters, memoryKeep, memoryTransport, memorySteps, memoryHold,
        };
        memory.SetAction(async (result, cancellationToken) =>
        {
            var steps = result.GetValue(memorySteps)!.Split(',').Select(s => int.Parse(s, System.Globalization.CultureInfo.InvariantCulture)).ToList();
            var settings = new MemorySettings(Math.Max(Positive(result.GetValue(memoryMeters), "--meters"), steps.Max()), result.GetValue(memoryKeep),
                MemorySettings.Transports.Contains(result.GetValue(memoryTransport)) ? result.GetValue(memoryTransport)! : throw new ArgumentException($"--transport is one of {string.Join(", ", MemorySettings.Transports)}"),
                steps.Order().ToList(), TimeSpan.FromSeconds(Math.Max(0, result.GetValue(memoryHold))));
            using var bound = Bound(cancellationToken, result.GetValue(timeout));
            try
            {
                return await MemoryRun.RunAsync(settings, output, bound.Token);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // A step that cannot complete says why (MemoryRun names the cause); exit code 1 alone did not.
                await Console.Error.WriteLineAsync(e.ToString());
                throw;
            }
        });

        var idleTransport = new Option<string>("--transport") { DefaultValueFactory = _ => "tcp" };
        var idleEndpoint = new Option<string>("--endpoint") { Required = true };
        var idleKeep = new Option<string>("--keep") { Required = true };
        var idleMeters = new Option<int>("--meters") { Required = true };
        var idleFrom = new Option<int>("--from");
        var idleCount = new Option<int>("--count") { Required = true };
        var idle = new Command("idle-clients", "(used by memory) connects meters of a kept fleet and holds them until standard input closes")
        {
            idleTransport, idleEndpoint, idleKeep, idleMeters, idleFrom, idleCount,
        };
        idle.Hidden = true;
        idle.SetAction(async (result, cancellationToken) => await IdleClients.RunAsync(result.GetValue(idleTransport)!, System.Net.IPEndPoint.Parse(result.GetValue(idleEndpoint)!), result.GetValue(idleKeep)!,
            result.GetValue(idleMeters), result.GetValue(idleFrom), result.GetValue(idleCount), output, cancellationToken));

        return new RootCommand("Meterline head-end load harness") { ingest, disconnect, flood, publish, mqttPublishers, storm, memory, idle };
    }

    private static int Positive(int value, string name) => value > 0 ? value : throw new ArgumentOutOfRangeException(name, value, $"{name} is at least 1");

    private static CancellationTokenSource Bound(CancellationToken cancellationToken, int seconds)
    {
        var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(TimeSpan.FromSeconds(Math.Max(1, seconds)));
        return bound;
    }
}
