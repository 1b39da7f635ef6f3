using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Meterline.Dlms.Wrapper;
using Meterline.HeadEnd.Ingest;
using Meterline.Server.Hosting;
using Meterline.Simulator.Attacks;
using Meterline.Simulator.Provisioning;

namespace Meterline.LoadHarness;

/// <summary>
/// Ingress under attack: honest meters push their recorded pushes (one at a time each, one every period, each over its
/// own TCP wrapper connection from its own loopback address) into a real node, first quietly, then while one source
/// (127.0.0.2) floods at a multiple of its per-source quota through the attack transport of the chosen scheme, as the
/// fleet's extra meter (real keys, fresh counters). Reports honest delivery and sent→committed latency for both
/// phases, what the node refused during the flood, and the guard's refusal throughput on one core (frames checked
/// and refused before any cryptography: over the source quota, and replays).
/// </summary>
internal static class FloodRun
{
    public static async Task<int> RunAsync(FloodSettings settings, TextWriter output, CancellationToken cancellationToken)
    {
        var directory = Directory.CreateTempSubdirectory("meterline-flood-").FullName;
        try
        {
            var pushes = RecordedPushes.Make(settings.Meters + 1, settings.Pushes * 2 + 1, directory);
            var fleet = FleetProvisioningFile.Read(pushes.ProvisioningPath);
            var quota = new TokenBucketSettings(settings.SourceRate, (int)Math.Max(1, settings.SourceRate * 5));
            var options = new HeadEndOptions
            {
                Database = settings.Database ?? Path.Combine(directory, "hes.db"),
                KeyFile = Path.Combine(directory, "hes.kek"),
                CreateKeyFile = true,
                ProfilesDirectory = HarnessPaths.Profiles,
                PushListeners = [new IPEndPoint(IPAddress.Loopback, 0)],
                UdpPushListeners = [new IPEndPoint(IPAddress.Loopback, 0)],
                CoapListeners = settings.Scheme == "coap" ? [new IPEndPoint(IPAddress.Loopback, 0)] : [],
                Coap = new Meterline.HeadEnd.Coap.CoapIngressOptions { SourceRate = quota },
                Mqtt = settings.Scheme == "mqtt" ? new Meterline.HeadEnd.Mqtt.Node.MqttNodeOptions { Listeners = [new IPEndPoint(IPAddress.Loopback, 0)] } : null,
                Scheduler = null,
                Backfill = null,
                Ingest = new IngestPipelineOptions
                {
                    Guard = new IngressGuardOptions
                    {
                        PerSource = quota,
                        Concentrators = [new SourceQuota { Source = "bench-replay", Quota = new TokenBucketSettings(1e9, int.MaxValue) }],
                    },
                },
            };
            await using var harness = await HarnessNode.StartAsync(options, pushes.ProvisioningPath, cancellationToken);
            var node = harness.Node;
            var target = FloodTargets.For(settings.Scheme, node)
                ?? throw new InvalidOperationException($"No flood target for {settings.Scheme} (known: {string.Join(", ", FloodTargets.Schemes)}).");
            output.WriteLine(Invariant($"node: {node.Storage.Engine}, {settings.Meters} honest meters each pushing every {settings.Period.TotalSeconds:0.##} s over its own TCP connection; per-source quota {quota.RatePerSecond:N0}/s (burst {quota.Burst:N0})"));

            await using var honest = await Honest.ConnectAsync(node, fleet, pushes, settings.Meters, cancellationToken);
            var quiet = await honest.RunAsync(settings.Pushes, settings.Period, cancellationToken);
            output.WriteLine("quiet:       " + quiet);

            var rejectedBefore = node.Pipeline.Metrics.RejectedTotal;
            var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var attackClock = Stopwatch.StartNew();
            var flood = new AttackRunner().RunAsync(new AttackOptions
            {
                Kind = AttackKind.Flood,
                Target = target,
                Rate = settings.SourceRate * settings.Multiple,
                Duration = settings.Period * (settings.Pushes + 2),
                Connections = settings.Connections,
                SourceAddresses = [IPAddress.Parse("127.0.0.2")],
                Meter = fleet.Meters[^1],
            }, cancellationToken);
            await Task.Delay(settings.Period, cancellationToken);
            var flooded = await honest.RunAsync(settings.Pushes, settings.Period, cancellationToken);
            var report = await flood;
            var attackSeconds = attackClock.Elapsed.TotalSeconds;
            var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
            var refused = node.Pipeline.Metrics.RejectedTotal - rejectedBefore;
            output.WriteLine("under flood: " + flooded);
            output.WriteLine(Invariant($"flood: {settings.Scheme}, {settings.Multiple:0.#}x the source quota = {settings.SourceRate * settings.Multiple:N0}/s asked; sent {report.FramesSent:N0} in {report.Elapsed.TotalSeconds:0.0} s ({report.FramesSent / report.Elapsed.TotalSeconds:N0}/s), {report.ConnectionsOpened} connections opened, {report.ConnectionsClosedByTarget} closed by the node; the node paused reading a flooding connection {node.PushReceiver.QuotaPauses + (node.Mqtt?.Broker?.QuotaPauses ?? 0):N0} times"));
            output.WriteLine(Invariant($"node refused {refused:N0} frames ({refused / attackSeconds:N0}/s): {Reasons(node.Pipeline.Metrics)}; process cpu {cpu / attackSeconds:0.00} cores (attacker, honest meters and node in one process)"));

            RefusalThroughput(node, fleet.Meters[^1], pushes.ByMeter[0], settings.RefusalSamples, output);
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

    /// <summary>The guard alone on this thread: frames refused per second on one core, over the source quota and as replays.</summary>
    private static void RefusalThroughput(HeadEndNode node, ProvisionedMeter attacker, IReadOnlyList<byte[]> committed, int samples, TextWriter output)
    {
        var guard = node.Pipeline.Guard;
        using var frames = new AttackFrames(attacker, AttackFrames.CounterNow(TimeProvider.System));
        var fresh = frames.Next();
        var source = "bench-flood";
        while (guard.SourceBucketsFor(source).TryTake(source))
        {
        }

        var overQuota = Measure(() => guard.Check(new InboundFrame("bench:flood", source, fresh, DateTimeOffset.UtcNow)), samples);
        var replayed = committed[0];
        var replay = Measure(() => guard.Check(new InboundFrame("bench:replay", "bench-replay", replayed, DateTimeOffset.UtcNow)), samples);
        output.WriteLine(Invariant($"guard refusals on one core, before any cryptography: over the source quota {overQuota:N0} frames/s; replays (header peeked, meter found, counter stale) {replay:N0} frames/s"));
    }

    private static double Measure(Func<GuardResult> check, int samples)
    {
        for (var i = 0; i < 10_000; i++)
        {
            if (check().IsAccepted)
            {
                throw new InvalidOperationException("The guard accepted a frame the benchmark meant to be refused.");
            }
        }

        var clock = Stopwatch.StartNew();
        for (var i = 0; i < samples; i++)
        {
            check();
        }

        return samples / clock.Elapsed.TotalSeconds;
    }

    private static string Reasons(IngestMetrics metrics) =>
        string.Join(", ", Enum.GetValues<IngestRejectReason>().Where(r => metrics.Rejected(r) > 0).Select(r => Invariant($"{r.Tag()} {metrics.Rejected(r):N0}")));

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>The honest meters: one connection each from 127.0.x.y, one push at a time, delivered when the node publishes its first record.</summary>
    private sealed class Honest : IAsyncDisposable
    {
        private readonly Socket[] _sockets;
        private readonly IReadOnlyList<IReadOnlyList<byte[]>> _pushes;
        private readonly Dictionary<string, int> _bySerial;
        private readonly TaskCompletionSource[] _committed;
        private readonly int[] _next;
        private readonly IngestSubscription _subscription;
        private readonly HeadEndNode _node;
        private readonly Task _reading;
        private readonly Lock _lock = new();

        private Honest(HeadEndNode node, Socket[] sockets, IReadOnlyList<IReadOnlyList<byte[]>> pushes, FleetProvisioning fleet)
        {
            _node = node;
            _sockets = sockets;
            _pushes = pushes;
            _bySerial = fleet.Meters.Take(sockets.Length).Select((m, i) => (m.Id, i)).ToDictionary(p => p.Id, p => p.i);
            _committed = new TaskCompletionSource[sockets.Length];
            _next = new int[sockets.Length];
            _subscription = node.Pipeline.Subscribe();
            _reading = Task.Run(ReadAsync);
        }

        public static async Task<Honest> ConnectAsync(HeadEndNode node, FleetProvisioning fleet, RecordedPushes pushes, int meters, CancellationToken cancellationToken)
        {
            var sockets = new Socket[meters];
            for (var i = 0; i < meters; i++)
            {
                sockets[i] = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                sockets[i].Bind(new IPEndPoint(new IPAddress([127, (byte)(1 + (i / 240)), 0, (byte)(10 + (i % 240))]), 0));
                await sockets[i].ConnectAsync(node.PushEndpoints[0], cancellationToken);
            }

            return new Honest(node, sockets, pushes.ByMeter, fleet);
        }

        public async Task<string> RunAsync(int pushes, TimeSpan period, CancellationToken cancellationToken)
        {
            var all = await Task.WhenAll(Enumerable.Range(0, _sockets.Length).Select(async m =>
            {
                var latencies = new List<TimeSpan?>(pushes);
                await Task.Delay(period * m / _sockets.Length, cancellationToken);
                var started = Stopwatch.GetTimestamp();
                for (var p = 0; p < pushes; p++)
                {
                    latencies.Add(await SendOneAsync(m, cancellationToken));
                    var due = period * (p + 1) - Stopwatch.GetElapsedTime(started);
                    if (due > TimeSpan.Zero)
                    {
                        await Task.Delay(due, cancellationToken);
                    }
                }

                return latencies;
            }));
            var flat = all.SelectMany(l => l).ToList();
            var delivered = flat.Where(l => l is not null).Select(l => l!.Value).ToList();
            return Invariant($"{delivered.Count:N0}/{flat.Count:N0} delivered ({100.0 * delivered.Count / flat.Count:0.00} %), {LatencySummary.Of(delivered)}");
        }

        public async ValueTask DisposeAsync()
        {
            _subscription.Dispose();
            await _reading;
            foreach (var socket in _sockets)
            {
                socket.Dispose();
            }
        }

        private async Task<TimeSpan?> SendOneAsync(int meter, CancellationToken cancellationToken)
        {
            var apdu = _pushes[meter][_next[meter]++];
            var committed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_lock)
            {
                _committed[meter] = committed;
            }

            var sent = Stopwatch.GetTimestamp();
            await _sockets[meter].SendAsync(new WrapperFrame(1, 1, apdu).ToArray(), SocketFlags.None, cancellationToken);
            try
            {
                await committed.Task.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
                return Stopwatch.GetElapsedTime(sent);
            }
            catch (TimeoutException)
            {
                return null;
            }
        }

        private async Task ReadAsync()
        {
            await foreach (var record in _subscription.Reader.ReadAllAsync())
            {
                if (_node.Pipeline.Directory.TryGet(record.Meter, out var meter) && _bySerial.TryGetValue(meter.Serial, out var index))
                {
                    lock (_lock)
                    {
                        _committed[index]?.TrySetResult();
                    }
                }
            }
        }
    }
}
