using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Meterline.Dlms.Wrapper;
using Meterline.HeadEnd.Dlms.Ingest;
using Meterline.HeadEnd.Ingest;
using Meterline.HeadEnd.Meters;
using Meterline.Server.Hosting;

namespace Meterline.LoadHarness;

/// <summary>
/// A restoration storm against one node: every meter of a fleet pushes once (its next usage DataNotification,
/// recorded beforehand with its own keys and invocation counter, as <see cref="IngestRun"/> does), the pushes in a
/// seeded random order spread evenly over <see cref="StormSettings.Window"/>, over the IEC 62056-47 wrapper on TCP
/// (pushes dealt out to <see cref="StormSettings.Connections"/> connections, as data concentrators or meters' own
/// connections would carry them) or UDP (as many sockets, one datagram a push). The harness watches the node's own
/// counters until every push it received is committed, refused or shed and nothing has been committed for two
/// seconds, and reports the time to drain (from the last push sent to the last commit), the largest backlog, what
/// was shed or refused, and the CPU time per thousand readings. It then checks loss from the store itself: every
/// meter's stored push counter (the invocation counter of the last push committed for it) must be the one its
/// storm push carried, and the store's readings must be what the pipeline says it stored.
/// Neither wrapper transport acknowledges a push, so the node may shed none of them (a meter counts a pushed frame
/// delivered and does not send it again; only back-fill could recover it): any push shed, refused or missing from
/// the store is counted lost.
/// </summary>
internal static class StormRun
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(5);
    private static readonly TimeSpan Quiet = TimeSpan.FromSeconds(2);

    public static async Task<int> RunAsync(StormSettings settings, TextWriter output, CancellationToken cancellationToken)
    {
        var directory = Directory.CreateTempSubdirectory("meterline-storm-").FullName;
        var keep = false;
        try
        {
            var made = Stopwatch.StartNew();
            var (fleet, provisioned) = await PrepareAsync(settings, directory, output, cancellationToken);
            var sent = Storm(fleet, settings.Seed);
            output.WriteLine(Invariant($"fleet: {settings.Meters:N0} meters, one push each, ready in {made.Elapsed.TotalSeconds:0.0} s{(settings.Cache is null ? string.Empty : $" (kept in {settings.Cache})")}"));

            var tcp = settings.Transport == "tcp";
            var options = new HeadEndOptions
            {
                Database = settings.Database ?? Path.Combine(provisioned!, "hes.db"),
                KeyFile = Path.Combine(provisioned ?? directory, "hes.kek"),
                CreateKeyFile = true,
                ProfilesDirectory = HarnessPaths.Profiles,
                PushListeners = tcp ? [new IPEndPoint(IPAddress.Loopback, 0)] : [],
                UdpPushListeners = tcp ? [] : [new IPEndPoint(IPAddress.Loopback, 0)],
                Scheduler = null,
                Backfill = null,
                Ingest = new IngestPipelineOptions
                {
                    MaxBatchRecords = settings.BatchRecords,
                    // The per-meter buckets stay as they are: each meter pushes once.
                    Guard = settings.RelaxedSourceQuota ? new IngressGuardOptions { PerSource = new TokenBucketSettings(1_000_000, 1_000_000) } : new IngressGuardOptions(),
                },
                Connections = new ConnectionGateOptions { MaxConnections = Math.Max(10_000, settings.Connections + 16), MaxConnectionsPerAddress = settings.Connections + 16 },
            };

            var opened = Stopwatch.StartNew();
            await using var harness = await HarnessNode.StartAsync(options, null, cancellationToken);
            var node = harness.Node;
            if (provisioned is null)
            {
                if (await node.Meters.CountAsync(cancellationToken) != 0)
                {
                    throw new InvalidOperationException("The database already holds meters: give the harness an empty database (its fleet is provisioned with fresh keys).");
                }

                await fleet.ImportAsync(node, cancellationToken);
            }

            output.WriteLine(Invariant($"node: {node.Storage.Engine}, {settings.Meters:N0} meters {(provisioned is null ? "imported" : "(imported before) opened")} in {opened.Elapsed.TotalSeconds:0.0} s; per-source quota {(settings.RelaxedSourceQuota ? "relaxed (the harness is one address)" : "default")}, per-meter buckets default; batches of up to {settings.BatchRecords:N0} records"));
            output.WriteLine(Invariant($"before: {SystemLoad.Now()}"));

            var streams = Enumerable.Range(0, settings.Connections).Select(_ => new List<(TimeSpan Due, byte[] Frame)>()).ToList();
            for (var i = 0; i < sent.Count; i++)
            {
                streams[i % settings.Connections].Add((settings.Window * ((double)i / sent.Count), sent[i].Frame));
            }

            var udpDropsBefore = SystemLoad.UdpReceiveBufferErrors();
            var progress = new SendProgress();
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            var endpoint = tcp ? node.PushEndpoints[0] : node.UdpPushEndpoints[0];
            var sending = Task.WhenAll(streams.Select(s => tcp ? SendTcpAsync(endpoint, s, clock, progress, cancellationToken) : SendUdpAsync(endpoint, s, clock, progress, cancellationToken)));
            var watch = await WatchAsync(node, sending, progress, clock, cancellationToken);
            await sending;
            var cpuUsed = Process.GetCurrentProcess().TotalProcessorTime - cpu;
            var udpDrops = udpDropsBefore < 0 ? -1 : SystemLoad.UdpReceiveBufferErrors() - udpDropsBefore;
            output.WriteLine(Invariant($"after: {SystemLoad.Now()}"));

            var metrics = node.Pipeline.Metrics;
            var readings = await node.Storage.Readings.CountReadingsAsync(cancellationToken: cancellationToken);
            var missing = await MissingFromStoreAsync(node, sent, cancellationToken);
            var lastSent = progress.LastSent;
            output.WriteLine(Invariant($"offered: {sent.Count:N0} pushes over {settings.Window.TotalSeconds:0.#} s ({sent.Count / settings.Window.TotalSeconds:N0}/s) over {settings.Connections} {settings.Transport.ToUpperInvariant()} {(tcp ? "connections" : "sockets")}; the last was sent at {lastSent.TotalSeconds:0.00} s{(lastSent > settings.Window + TimeSpan.FromSeconds(1) ? " (TCP flow control held the senders back)" : string.Empty)}"));
            output.WriteLine(Invariant($"received by the node: {node.PushReceiver.FramesReceived:N0}; datagrams dropped by the receiver {node.PushReceiver.DroppedDatagrams:N0} (not a frame for it), {node.PushReceiver.UdpQueueFullDrops:N0} on its full receive queue{(tcp ? string.Empty : udpDrops < 0 ? string.Empty : $"; kernel UDP receive-buffer drops (whole machine) {udpDrops:N0}")}"));
            output.WriteLine(Invariant($"committed: {metrics.Accepted:N0} pushes, {readings:N0} readings stored; last commit at {watch.LastCommit.TotalSeconds:0.00} s"));
            output.WriteLine(Invariant($"drain: {(watch.LastCommit - lastSent).TotalSeconds:0.00} s from the last push sent to the last commit ({(watch.LastCommit - settings.Window).TotalSeconds:0.00} s after the window's end); largest backlog {watch.MaxBacklog:N0} pushes received and not yet resolved"));
            output.WriteLine(Invariant($"batches: {metrics.Batches:N0} ({(double)metrics.Accepted / Math.Max(1, metrics.Batches):0.0} pushes each); shed {metrics.Shed:N0}; refused {metrics.RejectedTotal:N0}{Reasons(metrics)}; write failures {metrics.WriteFailures:N0}"));
            output.WriteLine(Invariant($"loss (checked in the store: each meter's stored push counter against its storm push's): {missing:N0} of {sent.Count:N0} pushes; readings stored {readings:N0} vs pipeline's count {metrics.RecordsStored:N0}"));
            output.WriteLine(Invariant($"cpu: {cpuUsed.TotalSeconds:0.00} s of CPU (node and senders in this process) = {cpuUsed.TotalMilliseconds / Math.Max(1, readings) * 1000:0.0} ms per 1,000 readings ({cpuUsed.TotalMilliseconds * 1000 / Math.Max(1, metrics.Accepted):0} µs per push); {cpuUsed.TotalSeconds / watch.LastCommit.TotalSeconds / Environment.ProcessorCount:P0} of {Environment.ProcessorCount} cores over the run"));
            // The followers (analytics, power quality, prepaid, outages, relay events) are paced and may lag the storm;
            // a follower whose feed lost more meters than it can name falls back to a full pass, shown here.
            var caughtUp = await FollowerWatch.CaughtUpAsync(node, clock, cancellationToken);
            output.WriteLine((caughtUp is { } at ? Invariant($"followers caught up {(at - watch.LastCommit).TotalSeconds:0.00} s after the last commit") : "followers: not caught up within 5 minutes of the last commit")
                + " (rounds / rounds over lost meters / full passes, of which after a loss; time in them): " + FollowerWatch.Describe(node));
            if (missing == 0 && readings == metrics.RecordsStored)
            {
                return 0;
            }

            // The check failed: the run's database is the evidence, so it stays (with its directory) for a look.
            keep = true;
            output.WriteLine(Invariant($"the loss check failed: the run's database is kept: {(settings.Database is null ? options.Database : "the given --db")} (directory {directory})"));
            return 2;
        }
        finally
        {
            try
            {
                if (!keep)
                {
                    Directory.Delete(directory, recursive: true);
                }
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>
    /// The fleet (kept in <see cref="StormSettings.Cache"/> when given, made otherwise) and, on SQLite, the directory of
    /// a copy of the database it was imported into (made once per kept fleet; every run starts from a fresh copy).
    /// On PostgreSQL (<c>--db</c>) the fleet is imported into the given empty database by the run (null directory).
    /// </summary>
    internal static async Task<(StormFleet Fleet, string? Provisioned)> PrepareAsync(StormSettings settings, string directory, TextWriter output, CancellationToken cancellationToken)
    {
        var kept = settings.Cache ?? Path.Combine(directory, "fleet");
        Directory.CreateDirectory(kept);
        var imported = Path.Combine(kept, "node");
        var ready = Path.Combine(imported, "ready");
        var fleet = StormFleet.TryLoad(kept, settings.Meters);
        if (fleet is null)
        {
            if (Directory.Exists(imported))
            {
                Directory.Delete(imported, recursive: true);
            }

            var clock = Stopwatch.StartNew();
            fleet = StormFleet.Make(settings.Meters, kept);
            fleet.Save(kept);
            output.WriteLine(Invariant($"recorded {settings.Meters:N0} pushes in {clock.Elapsed.TotalSeconds:0.0} s"));
        }

        if (settings.Database is not null)
        {
            return (fleet, null);
        }

        if (!File.Exists(ready))
        {
            if (Directory.Exists(imported))
            {
                Directory.Delete(imported, recursive: true);
            }

            Directory.CreateDirectory(imported);
            var clock = Stopwatch.StartNew();
            var importing = new HeadEndOptions
            {
                Database = Path.Combine(imported, "hes.db"),
                KeyFile = Path.Combine(imported, "hes.kek"),
                CreateKeyFile = true,
                ProfilesDirectory = HarnessPaths.Profiles,
                PushListeners = [],
                Scheduler = null,
                Backfill = null,
            };
            await using (var node = await HarnessNode.StartAsync(importing, null, cancellationToken))
            {
                await fleet.ImportAsync(node.Node, cancellationToken);
            }

            await File.WriteAllTextAsync(ready, settings.Meters.ToString(CultureInfo.InvariantCulture), cancellationToken);
            output.WriteLine(Invariant($"imported {settings.Meters:N0} meters in {clock.Elapsed.TotalSeconds:0.0} s"));
        }

        var copy = Path.Combine(directory, "node");
        Directory.CreateDirectory(copy);
        foreach (var file in Directory.GetFiles(imported).Where(f => Path.GetFileName(f) != "ready"))
        {
            File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        }

        return (fleet, copy);
    }

    /// <summary>Each meter's one push as a wrapper frame, with its system title and invocation counter, in a seeded random order.</summary>
    private static List<StormPush> Storm(StormFleet fleet, int seed)
    {
        var inspector = new DlmsSecuredApduInspector();
        var list = new List<StormPush>(fleet.Pushes.Count);
        foreach (var apdu in fleet.Pushes)
        {
            if (inspector.Inspect(apdu, out var header) != HeaderInspection.Read)
            {
                throw new InvalidOperationException("A recorded push has no readable security header.");
            }

            var frame = new byte[WrapperFrame.HeaderLength + apdu.Length];
            WrapperFrame.WriteHeader(frame, 1, 1, apdu.Length);
            apdu.CopyTo(frame, WrapperFrame.HeaderLength);
            list.Add(new StormPush(header.SystemTitle, header.InvocationCounter, frame));
        }

        Shuffle(list, (ulong)seed);
        return list;
    }

    /// <summary>Fisher–Yates over SplitMix64: the same order for a seed everywhere (an order, not a secret).</summary>
    private static void Shuffle<T>(List<T> items, ulong state)
    {
        for (var i = items.Count - 1; i > 0; i--)
        {
            state += 0x9E3779B97F4A7C15UL;
            var z = state;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            z ^= z >> 31;
            var j = (int)(z % (ulong)(i + 1));
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    /// <summary>Pushes whose meter's stored push counter is not the one the push carried (nothing stored, or another push's).</summary>
    private static async Task<int> MissingFromStoreAsync(HeadEndNode node, List<StormPush> sent, CancellationToken cancellationToken)
    {
        var counters = await node.Storage.Readings.GetPushCountersAsync(cancellationToken);
        var titles = new Dictionary<MeterSystemTitle, MeterId>();
        await foreach (var meter in node.Meters.ReadAllAsync(cancellationToken))
        {
            titles[meter.SystemTitle] = meter.Id;
        }

        return sent.Count(p => !titles.TryGetValue(p.SystemTitle, out var id) || !counters.TryGetValue(id, out var counter) || counter != p.InvocationCounter);
    }

    private static async Task SendTcpAsync(IPEndPoint endpoint, List<(TimeSpan Due, byte[] Frame)> frames, Stopwatch clock, SendProgress progress, CancellationToken cancellationToken)
    {
        using var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(endpoint, cancellationToken);
        var buffer = new byte[16 * 1024];
        var next = 0;
        while (next < frames.Count)
        {
            var now = clock.Elapsed;
            if (frames[next].Due > now)
            {
                await Task.Delay(Min(frames[next].Due - now, TimeSpan.FromMilliseconds(5)), cancellationToken);
                continue;
            }

            var length = 0;
            var first = next;
            while (next < frames.Count && frames[next].Due <= now && length + frames[next].Frame.Length <= buffer.Length)
            {
                frames[next].Frame.CopyTo(buffer, length);
                length += frames[next].Frame.Length;
                next++;
            }

            await socket.SendAsync(buffer.AsMemory(0, length), SocketFlags.None, cancellationToken);
            progress.Sent(next - first, clock.Elapsed);
        }

        // The node reads what is buffered before it sees the end of the stream.
        await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
        socket.Shutdown(SocketShutdown.Both);
    }

    private static async Task SendUdpAsync(IPEndPoint endpoint, List<(TimeSpan Due, byte[] Frame)> frames, Stopwatch clock, SendProgress progress, CancellationToken cancellationToken)
    {
        using var socket = new Socket(endpoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var next = 0;
        while (next < frames.Count)
        {
            var now = clock.Elapsed;
            if (frames[next].Due > now)
            {
                await Task.Delay(Min(frames[next].Due - now, TimeSpan.FromMilliseconds(5)), cancellationToken);
                continue;
            }

            await socket.SendToAsync(frames[next].Frame, SocketFlags.None, endpoint, cancellationToken);
            next++;
            progress.Sent(1, clock.Elapsed);
        }
    }

    private static async Task<StormWatch> WatchAsync(HeadEndNode node, Task sending, SendProgress progress, Stopwatch clock, CancellationToken cancellationToken)
    {
        var metrics = node.Pipeline.Metrics;
        var lastStored = -1L;
        var lastResolved = -1L;
        var lastCommit = TimeSpan.Zero;
        var lastChange = TimeSpan.Zero;
        var maxBacklog = 0L;
        while (true)
        {
            await Task.Delay(Poll, cancellationToken);
            var now = clock.Elapsed;
            var resolved = metrics.Accepted + metrics.RejectedTotal + metrics.Shed;
            maxBacklog = Math.Max(maxBacklog, node.PushReceiver.FramesReceived - resolved);
            var stored = metrics.RecordsStored;
            if (stored != lastStored)
            {
                (lastStored, lastCommit) = (stored, now);
            }

            if (resolved != lastResolved)
            {
                (lastResolved, lastChange) = (resolved, now);
            }

            var idle = node.Pipeline.QueuedUsage == 0 && node.Pipeline.QueuedPriority == 0 && node.PushReceiver.UdpQueueDepth == 0;
            if (sending.IsCompleted && idle && resolved >= node.PushReceiver.FramesReceived && now - lastCommit > Quiet && now - lastChange > Quiet && now - progress.LastSent > Quiet)
            {
                return new StormWatch(lastCommit, maxBacklog);
            }
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static string Reasons(IngestMetrics metrics)
    {
        var reasons = Enum.GetValues<IngestRejectReason>().Where(r => metrics.Rejected(r) > 0).Select(r => Invariant($"{r} {metrics.Rejected(r):N0}")).ToList();
        return reasons.Count == 0 ? string.Empty : " (" + string.Join(", ", reasons) + ")";
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private sealed record StormPush(MeterSystemTitle SystemTitle, uint InvocationCounter, byte[] Frame);

    private sealed record StormWatch(TimeSpan LastCommit, long MaxBacklog);

    /// <summary>How many pushes the senders have handed to their sockets, and when the last was.</summary>
    private sealed class SendProgress
    {
        private long _count;
        private long _lastTicks;

        public long Count => Interlocked.Read(ref _count);

        public TimeSpan LastSent => TimeSpan.FromTicks(Interlocked.Read(ref _lastTicks));

        public void Sent(int frames, TimeSpan at)
        {
            Interlocked.Add(ref _count, frames);
            long seen;
            while ((seen = Interlocked.Read(ref _lastTicks)) < at.Ticks && Interlocked.CompareExchange(ref _lastTicks, at.Ticks, seen) != seen)
            {
            }
        }
    }
}
