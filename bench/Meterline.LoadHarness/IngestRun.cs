using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Meterline.Dlms.Wrapper;
using Meterline.HeadEnd.Coap;
using Meterline.HeadEnd.Ingest;
using Meterline.HeadEnd.Mqtt.Node;
using Meterline.HeadEnd.Northbound;
using Meterline.Northbound.Amqp;
using Meterline.Server.Hosting;
using Meterline.Simulator.Provisioning;

namespace Meterline.LoadHarness;

/// <summary>
/// Sustained ingest of one node: a simulated fleet's recorded pushes are written over TCP wrapper connections to the
/// node's real push listener (<c>WrapperPushReceiver</c> → ingress guard → decoder → queues → batch writer →
/// store), as fast as possible or at a set rate, and the node's own counters are watched until every frame is
/// committed, refused or shed. The figure is authenticated DataNotifications committed per second, from the first
/// byte sent to the last commit, and sustained: between the 10th and the 90th percentile of the commits.
/// Other transports (<see cref="IngestSettings.Transport"/>) send the same pushes with one client per meter:
/// <c>mqtt</c> to the node's embedded broker at QoS 1 (<see cref="MqttPushClients"/>, PUBACK after commit),
/// <c>mqtt-external</c> to a private mosquitto that the node consumes through its shared subscription (PUBACK from
/// mosquitto on receipt; mosquitto alone is measured first, <see cref="MosquittoBaseline"/>), <c>coap</c> as
/// Confirmable POSTs to the node's CoAP ingress (<see cref="CoapPushClients"/>, 2.04 after commit). The node's
/// connection gate is opened for a fleet from one loopback address.
/// </summary>
internal static class IngestRun
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(5);
    private static readonly TimeSpan Quiet = TimeSpan.FromSeconds(2);

    public static async Task<int> RunAsync(IngestSettings settings, TextWriter output, CancellationToken cancellationToken)
    {
        var directory = Directory.CreateTempSubdirectory("meterline-load-").FullName;
        try
        {
            var database = settings.Database ?? Path.Combine(directory, "hes.db");
            var made = Stopwatch.StartNew();
            var pushes = RecordedPushes.Make(settings.Meters, settings.Intervals, directory);
            output.WriteLine(Invariant($"fleet: {settings.Meters:N0} meters x {settings.Intervals} intervals: {pushes.Count:N0} pushes recorded in {made.Elapsed.TotalSeconds:0.0} s"));

            var fleet = FleetProvisioningFile.Read(pushes.ProvisioningPath);
            var pushesPath = Path.Combine(directory, "pushes.bin");
            if (settings.Publishers == "process" && settings.Transport.StartsWith("mqtt", StringComparison.Ordinal))
            {
                pushes.WriteByMeter(pushesPath);
            }

            Func<IPEndPoint, CancellationToken, Task<IMqttPublishers>> connect = settings.Publishers switch
            {
                "process" => async (broker, token) => await ChildPublishers.StartAsync(broker, pushes.ProvisioningPath, pushesPath, token),
                "raw" => async (broker, token) => await RawMqttPublishers.ConnectAsync(broker, fleet.Meters, pushes.ByMeter, token),
                _ => async (broker, token) => await MqttPushClients.ConnectAsync(broker, fleet.Meters, token),
            };
            var gatewayPassword = Meterline.HeadEnd.Mqtt.Credentials.MqttPassword.Generate();
            await using var mosquitto = settings.Transport is "mqtt-external" or "gateway"
                ? await PrivateMosquitto.StartAsync(fleet.Meters, pushes.Count, cancellationToken, settings.Transport == "gateway" ? (HarnessGateway.User, gatewayPassword) : null)
                : null;
            if (mosquitto is not null)
            {
                if (settings.Transport == "mqtt-external")
                {
                    await MosquittoBaseline.RunAsync(mosquitto, connect, pushes, settings.Window, output, cancellationToken);
                }

                Environment.SetEnvironmentVariable(ExternalPasswordVariable, mosquitto.HeadEndPassword);
            }

            var options = new HeadEndOptions
            {
                Database = database,
                KeyFile = Path.Combine(directory, "hes.kek"),
                CreateKeyFile = true,
                ProfilesDirectory = HarnessPaths.Profiles,
                PushListeners = [new IPEndPoint(IPAddress.Loopback, 0)],
                Scheduler = null,
                Backfill = null,
                Analytics = settings.Followers == "none" ? null : new() { WindowMemoryBudget = settings.AnalyticsWindowMemory * 1024L * 1024 },
                PowerQuality = settings.Followers == "none" ? null : new() { WindowMemoryBudget = settings.AnalyticsWindowMemory * 1024L * 1024 },
                Prepaid = settings.Followers == "none" ? null : new(),
                Outages = settings.Followers == "none" ? null : new(),
                Ingest = new IngestPipelineOptions
                {
                    MaxBatchRecords = settings.BatchRecords,
                    FollowerShare = settings.FollowerShare,
                    Guard = settings.RelaxedGuard
                        ? new IngressGuardOptions { PerSource = new TokenBucketSettings(1_000_000, 1_000_000), PerMeter = new TokenBucketSettings(10_000, 10_000) }
                        : new IngressGuardOptions(),
                },
                Northbound = settings.AmqpUri is { } amqp
                    ? new AmqpNorthboundOptions
                    {
                        Publisher = new AmqpPublisherOptions { Uri = amqp, Password = settings.AmqpPassword, Exchange = "meterline.bench" },
                        Outbox = new NorthboundOptions { MaxRetryDelay = TimeSpan.FromSeconds(1) },
                    }
                    : null,
                Connections = new ConnectionGateOptions { MaxConnections = Math.Max(10_000, settings.Meters + 1_000), MaxConnectionsPerAddress = settings.Meters + 16 },
                Mqtt = settings.Transport switch
                {
                    "mqtt" => new MqttNodeOptions { Listeners = [new IPEndPoint(IPAddress.Loopback, 0)] },
                    "mqtt-external" or "gateway" => new MqttNodeOptions
                    {
                        ExternalBroker = new Uri($"mqtt://127.0.0.1:{mosquitto!.Endpoint.Port}"),
                        ExternalUserName = PrivateMosquitto.HeadEndUser,
                        ExternalPasswordEnvironmentVariable = ExternalPasswordVariable,
                        ExternalWorkers = settings.ConsumerWorkers > 0 ? settings.ConsumerWorkers : null,
                        ExternalQueueCapacity = settings.ConsumerQueue > 0 ? settings.ConsumerQueue : null,
                    },
                    _ => null,
                },
                CoapListeners = settings.Transport == "coap" ? [new IPEndPoint(IPAddress.Loopback, 0)] : [],
                Coap = settings.RelaxedGuard ? new CoapIngressOptions { SourceRate = new TokenBucketSettings(1_000_000, 1_000_000) } : new CoapIngressOptions(),
            };
            if (settings.AmqpUri is { } broker)
            {
                try
                {
                    await PublishRun.BindQueueAsync(broker, settings.AmqpPassword, cancellationToken);
                }
                catch (RabbitMQ.Client.Exceptions.BrokerUnreachableException)
                {
                    // No broker: the run measures the outbox's cost alone (every publish round fails, the outbox grows).
                }
            }

            var opened = Stopwatch.StartNew();
            await using var harness = await HarnessNode.StartAsync(options, pushes.ProvisioningPath, cancellationToken);
            var node = harness.Node;
            output.WriteLine(Invariant($"node: {node.Storage.Engine}, {settings.Meters:N0} meters imported in {opened.Elapsed.TotalSeconds:0.0} s, guard {(settings.RelaxedGuard ? "relaxed (no rate limits)" : "default")}, batches of up to {settings.BatchRecords:N0} records, followers {settings.Followers}"));

            if (node.Mqtt?.Consumer is { } consumer)
            {
                // mosquitto drops a message no subscription matches: publishing before the node's shared subscription
                // exists would lose every push (the run would wait for commits that never come).
                await UntilSubscribedAsync(harness, consumer, mosquitto!, cancellationToken);
            }

            await using var gateway = settings.Transport == "gateway"
                ? await HarnessGateway.StartAsync([.. fleet.Meters.Select(m => m.SystemTitle.ToString())], mosquitto!.Endpoint, gatewayPassword, Path.Combine(directory, "gateway.spool"), cancellationToken)
                : null;
            var log = new AckLog(pushes.Count);
            await using var mqttClients = settings.Transport switch
            {
                "mqtt" => await connect(node.Mqtt!.Broker!.Endpoints[0], cancellationToken),
                "mqtt-external" => await connect(mosquitto!.Endpoint, cancellationToken),
                _ => null,
            };
            await using var coapClients = settings.Transport == "coap" ? new CoapPushClients(settings.Meters) : null;
            var warmup = settings.WarmupIntervals;
            var measured = pushes.Count - (warmup * settings.Meters);
            if (warmup > 0)
            {
                // The first intervals of every meter, sent and committed before the clock starts, and the followers
                // caught up on them: the measured part is the node's steady state, not its first seconds (the JIT).
                var warmClock = Stopwatch.StartNew();
                var warming = Task.WhenAll(Streams(pushes, settings.Connections, 0, warmup).Select(s => SendAsync(node.PushEndpoints[0], s, 0, cancellationToken)));
                var warm = await WatchAsync(harness, warmup * settings.Meters, () => node.PushReceiver.FramesReceived, warmClock, cancellationToken);
                await warming;
                var warmCaughtUp = await FollowerWatch.CaughtUpAsync(node, warmClock, cancellationToken);
                output.WriteLine(Invariant($"warm-up (not measured): the first {warmup} interval(s) of every meter, {node.Pipeline.Metrics.Accepted:N0} pushes committed by {warm.LastCommit.TotalSeconds:0.00} s; followers {(warmCaughtUp is { } w ? $"caught up at {w.TotalSeconds:0.00} s" : "not caught up within 5 minutes")}"));
            }

            var baseline = (Accepted: node.Pipeline.Metrics.Accepted, Received: node.PushReceiver.FramesReceived, Batches: node.Pipeline.Metrics.Batches,
                Readings: warmup > 0 ? await node.Storage.Readings.CountReadingsAsync(cancellationToken: cancellationToken) : 0);
            var busyBefore = FollowerWatch.Busy(node);
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var allocated = GC.GetTotalAllocatedBytes();
            var collections = (Gen0: GC.CollectionCount(0), Gen1: GC.CollectionCount(1), Gen2: GC.CollectionCount(2));
            var brokerCpu = mosquitto?.CpuTime() ?? TimeSpan.Zero;
            var clock = Stopwatch.StartNew();
            var sending = settings.Transport switch
            {
                "tcp" => Task.WhenAll(Streams(pushes, settings.Connections, warmup).Select(s => SendAsync(node.PushEndpoints[0], s, settings.Rate / settings.Connections, cancellationToken))),
                "gateway" => Task.WhenAll(Streams(pushes, settings.Connections).Select(s => SendAsync(gateway!.Endpoint, s, settings.Rate / settings.Connections, cancellationToken))),
                "coap" => coapClients!.PostAllAsync(node.CoapEndpoints[0], pushes.ByMeter, log, cancellationToken),
                _ => mqttClients!.PublishAllAsync(pushes.ByMeter, settings.Window, log, cancellationToken),
            };
            Func<long> received = settings.Transport switch
            {
                "tcp" => () => node.PushReceiver.FramesReceived - baseline.Received,
                "gateway" => () => gateway!.Bridge.Published,
                _ => () => log.Acknowledged + log.Failed,
            };
            var result = await WatchAsync(harness, measured, received, clock, cancellationToken, baseline.Accepted);
            await sending;
            var cpuUsed = Process.GetCurrentProcess().TotalProcessorTime - cpu;
            var allocatedBytes = GC.GetTotalAllocatedBytes() - allocated;
            var gcs = Invariant($"{GC.CollectionCount(0) - collections.Gen0}/{GC.CollectionCount(1) - collections.Gen1}/{GC.CollectionCount(2) - collections.Gen2}");
            var brokerCpuUsed = (mosquitto?.CpuTime() ?? TimeSpan.Zero) - brokerCpu;
            var readings = await node.Storage.Readings.CountReadingsAsync(cancellationToken: cancellationToken) - baseline.Readings;
            var metrics = node.Pipeline.Metrics;
            var accepted = metrics.Accepted - baseline.Accepted;

            var seconds = result.LastCommit.TotalSeconds;
            output.WriteLine(settings.Transport is "tcp" or "gateway"
                ? Invariant($"offered: {(settings.Rate > 0 ? $"{settings.Rate:N0} pushes/s" : "as fast as possible")} over {settings.Connections} connection(s); {(gateway is null ? "the node had received every frame" : "the gateway had published every push (PUBACK from mosquitto)")} after {result.AllReceived.TotalSeconds:0.00} s")
                : Invariant($"offered: as fast as acknowledged, {settings.Transport}, one client per meter ({settings.Meters:N0}), {(settings.Transport == "coap" ? 1 : settings.Window)} in flight each; every push acknowledged or refused after {result.AllReceived.TotalSeconds:0.00} s"));
            output.WriteLine(Invariant($"committed: {accepted:N0} pushes ({readings:N0} readings stored) by {seconds:0.00} s = {accepted / seconds:N0} pushes/s, {readings / seconds:N0} readings/s"));
            output.WriteLine(Invariant($"batches: {metrics.Batches - baseline.Batches:N0} ({(double)accepted / Math.Max(1, metrics.Batches - baseline.Batches):0.0} pushes each); shed {metrics.Shed:N0}; refused {metrics.RejectedTotal:N0}{Reasons(metrics)}; write failures {metrics.WriteFailures:N0}"));
            output.WriteLine(Invariant($"sustained: {result.SustainedRate:N0} pushes/s committed (10th to 90th percentile of the commits)"));
            var caughtUp = await FollowerWatch.CaughtUpAsync(node, clock, cancellationToken);
            var cpuToCaughtUp = Process.GetCurrentProcess().TotalProcessorTime - cpu;
            output.WriteLine(caughtUp is { } at
                ? Invariant($"followers caught up {(at - result.LastCommit).TotalSeconds:0.00} s after the last commit (share {settings.FollowerShare:0.##}); cpu to then {cpuToCaughtUp.TotalMilliseconds / Math.Max(1, accepted) * 1_000:0.0} ms per 1,000 pushes; time in rounds {(FollowerWatch.Busy(node) - busyBefore).TotalSeconds:0.00} s")
                : "followers: not caught up within 5 minutes of the last commit");
            output.WriteLine("followers (rounds / rounds over lost meters / full passes, of which after a loss; time in rounds and passes, to catching up; warm-up included): " + FollowerWatch.Describe(node));
            if (node.Analytics is { } analytics)
            {
                output.WriteLine(Invariant($"analytics (warm-up included): {analytics.Metrics.Windows:N0} windows evaluated in {analytics.Follower.Busy.TotalSeconds:0.00} s of rounds and passes, {analytics.Follower.Busy.TotalMilliseconds / Math.Max(1, analytics.Metrics.Windows):0.000} ms each"));
            }

            if (node.PowerQuality?.Windows is { } pqHeld)
            {
                output.WriteLine(Invariant($"power quality held windows ({settings.AnalyticsWindowMemory} MiB): {pqHeld.Hits:N0} hits, {pqHeld.Misses:N0} misses (store reads), {pqHeld.Repairs:N0} lost spans read back, {pqHeld.Evictions:N0} evictions, {pqHeld.Invalidations:N0} invalidations; {pqHeld.MetersHeld:N0} meters in {pqHeld.BytesHeld / 1024.0 / 1024:0.0} MiB held"));
            }

            if (node.Analytics?.Windows is { } held)
            {
                output.WriteLine(Invariant($"analytics held windows ({settings.AnalyticsWindowMemory} MiB; warm-up included): {held.Hits:N0} hits, {held.Misses:N0} misses (store reads), {held.Repairs:N0} lost spans read back, {held.Evictions:N0} evictions, {held.Invalidations:N0} invalidations; {held.MetersHeld:N0} meters in {held.BytesHeld / 1024.0 / 1024:0.0} MiB held"));
            }
            if (gateway is not null)
            {
                output.WriteLine(Invariant($"gateway (in this process, spool flushed before each publish): {gateway}"));
            }

            if (settings.Transport is not ("tcp" or "gateway"))
            {
                output.WriteLine(Invariant($"acks{(settings.Transport == "mqtt-external" ? " (mosquitto's PUBACK, on receipt)" : " (after commit)")}: {log}"));
            }

            if (node.Mqtt?.Consumer is { } external)
            {
                output.WriteLine(Invariant($"node consumer (PUBACK to mosquitto after commit): {external.Handled:N0} acknowledged, {external.Unacknowledged:N0} left for redelivery, {external.Redelivered:N0} redelivered, {external.Connects} connect(s), {external.AcknowledgementWrites:N0} PUBACK writes"));
            }

            var separate = mqttClients is ChildPublishers child ? child.PublisherCpu : (TimeSpan?)null;
            output.WriteLine(Invariant($"cpu: {cpuUsed.TotalSeconds / seconds / Environment.ProcessorCount:P0} of {Environment.ProcessorCount} cores over the run ({(separate is null ? (gateway is null ? "node and sender in this process" : "node, gateway and sender in this process") : "the node alone")}){(mosquitto is null ? "" : $"; mosquitto {brokerCpuUsed.TotalSeconds / seconds:0.00} cores")}{(separate is { } publisherCpu ? $"; publishers (own process) {publisherCpu.TotalSeconds / seconds:0.00} cores" : "")}"));
            output.WriteLine(Invariant($"cpu per 1,000 readings: {cpuUsed.TotalMilliseconds / Math.Max(1, readings) * 1_000:0.0} ms ({(separate is null ? (gateway is null ? "node and sender" : "node, gateway and sender") : "node")}), {cpuUsed.TotalMilliseconds / Math.Max(1, accepted) * 1_000:0.0} ms per 1,000 pushes{(mosquitto is null ? "" : $"; mosquitto {brokerCpuUsed.TotalMilliseconds / Math.Max(1, accepted) * 1_000:0.0} ms per 1,000 messages")}; load average {LoadAverage()}"));
            output.WriteLine(Invariant($"allocated: {allocatedBytes / Math.Max(1, accepted):N0} bytes per push ({allocatedBytes / 1048576.0:N0} MiB); collections gen0/1/2 {gcs}; GC pause {GC.GetTotalPauseDuration().TotalMilliseconds:N0} ms in the process's life"));
            if (node.Northbound is { } northbound)
            {
                await ReportNorthboundAsync(node, northbound, clock, output, cancellationToken);
            }

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

    /// <summary>The wrapper frames of each connection: the fleet's meters dealt out to the connections, each meter's pushes in order, interval by interval (those from <paramref name="firstInterval"/> to before <paramref name="endInterval"/>).</summary>
    private static List<List<byte[]>> Streams(RecordedPushes pushes, int connections, int firstInterval = 0, int? endInterval = null)
    {
        var streams = Enumerable.Range(0, connections).Select(_ => new List<byte[]>()).ToList();
        var intervals = Math.Min(endInterval ?? int.MaxValue, pushes.ByMeter.Max(m => m.Count));
        for (var i = firstInterval; i < intervals; i++)
        {
            for (var m = 0; m < pushes.ByMeter.Count; m++)
            {
                if (i < pushes.ByMeter[m].Count)
                {
                    var apdu = pushes.ByMeter[m][i];
                    var frame = new byte[WrapperFrame.HeaderLength + apdu.Length];
                    WrapperFrame.WriteHeader(frame, 1, 1, apdu.Length);
                    apdu.CopyTo(frame, WrapperFrame.HeaderLength);
                    streams[m % connections].Add(frame);
                }
            }
        }

        return streams;
    }

    /// <summary>Writes the frames, in 64 KiB writes, at <paramref name="rate"/> frames a second (0: as fast as the socket takes them); keeps the connection open a while after.</summary>
    private static async Task SendAsync(IPEndPoint endpoint, List<byte[]> frames, double rate, CancellationToken cancellationToken)
    {
        using var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(endpoint, cancellationToken);
        var buffer = new byte[64 * 1024];
        var clock = Stopwatch.StartNew();
        var next = 0;
        while (next < frames.Count)
        {
            var due = rate > 0 ? Math.Min(frames.Count, (int)(clock.Elapsed.TotalSeconds * rate) + 1) : frames.Count;
            if (due <= next)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(2), cancellationToken);
                continue;
            }

            var length = 0;
            while (next < due && length + frames[next].Length <= buffer.Length)
            {
                frames[next].CopyTo(buffer, length);
                length += frames[next].Length;
                next++;
            }

            await socket.SendAsync(buffer.AsMemory(0, length), SocketFlags.None, cancellationToken);
        }

        // The node reads what is buffered before it sees the end of the stream.
        await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
        socket.Shutdown(SocketShutdown.Both);
    }

    /// <summary>Waits (at most 60 s) until the node's consumer has connected and subscribed.</summary>
    private static async Task UntilSubscribedAsync(HarnessNode harness, Meterline.HeadEnd.Mqtt.Uplink.MqttUplinkConsumer consumer, PrivateMosquitto mosquitto, CancellationToken cancellationToken)
    {
        var waited = Stopwatch.StartNew();
        while (consumer.Connects == 0)
        {
            harness.ThrowIfLoopFailed();
            if (waited.Elapsed > TimeSpan.FromSeconds(60))
            {
                throw new TimeoutException("The node's consumer did not connect to mosquitto within 60 s; mosquitto's log:" + Environment.NewLine + mosquitto.LastLog);
            }

            await Task.Delay(Poll, cancellationToken);
        }
    }

    private static async Task<WatchResult> WatchAsync(HarnessNode harness, int total, Func<long> received, Stopwatch clock, CancellationToken cancellationToken, long baseline = 0)
    {
        var node = harness.Node;
        var metrics = node.Pipeline.Metrics;
        var lastStored = -1L;
        var lastCommit = TimeSpan.Zero;
        TimeSpan? allReceived = null;
        TimeSpan? tenth = null;
        TimeSpan? ninetieth = null;
        long tenthCount = 0;
        long ninetiethCount = 0;
        while (true)
        {
            await Task.Delay(Poll, cancellationToken);
            harness.ThrowIfLoopFailed();
            var now = clock.Elapsed;
            if (allReceived is null && received() >= total)
            {
                allReceived = now;
            }

            var accepted = metrics.Accepted - baseline;
            if (tenth is null && accepted >= total / 10)
            {
                (tenth, tenthCount) = (now, accepted);
            }

            if (ninetieth is null && accepted >= total * 9 / 10)
            {
                (ninetieth, ninetiethCount) = (now, accepted);
            }

            var stored = metrics.RecordsStored;
            if (stored != lastStored)
            {
                lastStored = stored;
                lastCommit = now;
            }

            var resolved = accepted + metrics.RejectedTotal + metrics.Shed >= total;
            var idle = node.Pipeline.QueuedUsage == 0 && node.Pipeline.QueuedPriority == 0;
            if (allReceived is not null && resolved && idle && now - lastCommit > Quiet)
            {
                var sustained = tenth is { } from && ninetieth is { } to && to > from ? (ninetiethCount - tenthCount) / (to - from).TotalSeconds : 0;
                return new WatchResult(allReceived.Value, lastCommit, sustained);
            }
        }
    }

    /// <summary>Waits (at most a minute after the last commit) until the outbox is empty and reports the publish rate.</summary>
    private static async Task ReportNorthboundAsync(HeadEndNode node, AmqpNorthbound northbound, Stopwatch clock, TextWriter output, CancellationToken cancellationToken)
    {
        var metrics = northbound.Metrics;
        var until = clock.Elapsed + TimeSpan.FromMinutes(1);
        long left;
        // No broker (every round failed, nothing confirmed): the run measured the outbox's cost alone; do not wait.
        while ((left = await node.Storage.Outbox.CountAsync(cancellationToken)) > 0 && clock.Elapsed < until && (metrics.Published > 0 || metrics.PublishFailures < 3))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20), cancellationToken);
        }

        var seconds = clock.Elapsed.TotalSeconds;
        output.WriteLine(Invariant($"northbound: {metrics.Queued:N0} messages queued in the outbox, {metrics.Published:N0} confirmed by {seconds:0.00} s = {metrics.Published / seconds:N0} messages/s; {left:N0} left; unroutable {metrics.Unroutable:N0}; failed rounds {metrics.PublishFailures:N0}"));
    }

    /// <summary>The 1-minute load average (<c>/proc/loadavg</c>), or "?" where it cannot be read.</summary>
    public static string LoadAverage()
    {
        try
        {
            return File.ReadAllText("/proc/loadavg").Split(' ')[0];
        }
        catch (IOException)
        {
            return "?";
        }
    }

    private static string Reasons(IngestMetrics metrics)
    {
        var reasons = Enum.GetValues<IngestRejectReason>().Where(r => metrics.Rejected(r) > 0).Select(r => Invariant($"{r} {metrics.Rejected(r):N0}")).ToList();
        return reasons.Count == 0 ? string.Empty : " (" + string.Join(", ", reasons) + ")";
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private sealed record WatchResult(TimeSpan AllReceived, TimeSpan LastCommit, double SustainedRate);

    private const string ExternalPasswordVariable = "METERLINE_BENCH_MQTT_PASSWORD";
}
