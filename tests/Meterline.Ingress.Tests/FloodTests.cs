using System.Net;
using System.Net.Sockets;
using Meterline.Dlms.Wrapper;
using Meterline.HeadEnd.Ingest;
using Meterline.Server.Hosting;
using Meterline.Simulator.Attacks;
using Xunit.Abstractions;

namespace Meterline.Ingress.Tests;

/// <summary>
/// A real node under the simulator's attacks over the DLMS wrapper, with honest meters pushing alongside: what the
/// issue asks of the guard (delivery, latency, closed connections, audit once per source and window, replays never
/// stored).
/// </summary>
public sealed class FloodTests(ITestOutputHelper output)
{
    /// <summary>The test node's quota for an undeclared source: 50 pushes a second, a burst of 250 (the attacker floods at 100 times this).</summary>
    private static readonly TokenBucketSettings SourceQuota = new(50, 250);

    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    private static HeadEndOptions Guarded(HeadEndOptions options, ConnectionGateOptions? connections = null) => options with
    {
        Ingest = new IngestPipelineOptions { Guard = new IngressGuardOptions { PerSource = SourceQuota } },
        Connections = connections ?? new ConnectionGateOptions(),
    };

    private static Uri Tcp(IngressNode node) => new($"tcp://127.0.0.1:{node.TcpEndpoint.Port}");

    [Fact]
    public async Task Flood_OneSourceAtAHundredTimesItsQuota_HonestMetersDeliverWithinTwiceTheQuietLatency()
    {
        await using var node = await IngressNode.StartAsync(honestMeters: 60, intervals: 16, o => Guarded(o));
        await using var honest = await HonestMeters.ConnectAsync(node);
        var quiet = Latency.Of(await honest.RunAsync(pushes: 7, TimeSpan.FromSeconds(1)).WaitAsync(Bound));

        var attack = new AttackRunner().RunAsync(new AttackOptions
        {
            Kind = AttackKind.Flood,
            Target = Tcp(node),
            Rate = SourceQuota.RatePerSecond * 100,
            Duration = TimeSpan.FromSeconds(11),
            Connections = 4,
            SourceAddresses = [IPAddress.Parse("127.0.0.2")],
            Meter = node.Attacker,
        });
        await Task.Delay(TimeSpan.FromSeconds(1));
        var flooded = Latency.Of(await honest.RunAsync(pushes: 7, TimeSpan.FromSeconds(1)).WaitAsync(Bound));
        var report = await attack.WaitAsync(Bound);
        output.WriteLine($"quiet: {quiet}; under flood: {flooded}; attacker: {report}; read {node.Node.PushReceiver.FramesReceived}, paused {node.Node.PushReceiver.QuotaPauses}, refused by source quota {node.Metrics.Rejected(IngestRejectReason.SourceRateLimited)}, by meter quota {node.Metrics.Rejected(IngestRejectReason.MeterRateLimited)}");

        Assert.Equal(1.0, quiet.DeliveredShare);
        Assert.True(flooded.DeliveredShare >= 0.999, $"honest delivery under flood {flooded}");
        Assert.True(flooded.P99 <= Math.Max(2 * quiet.P99, 500), $"honest p99 under flood {flooded.P99:0.0} ms, quiet {quiet.P99:0.0} ms");
        Assert.True(report.FramesSent >= 20_000, $"the flood sent {report.FramesSent} frames (into the node's and its own TCP buffers)");
        Assert.True(node.Metrics.Rejected(IngestRejectReason.SourceRateLimited) > 0);
        Assert.True(node.Node.PushReceiver.QuotaPauses > 0, "the flooding connections were never paused");

        // What the node did not read waited in TCP's buffers: it read about its quota's worth, not the flood.
        Assert.True(node.Node.PushReceiver.FramesReceived - 14 * 60 < report.FramesSent / 2, $"the node read {node.Node.PushReceiver.FramesReceived} frames of {report.FramesSent} sent");
        await Eventually(async () => (await node.AuditAsync("frame.rejected.source-rate")).Count == 1);
        var audited = Assert.Single(await node.AuditAsync("frame.rejected.source-rate"));
        Assert.Equal("127.0.0.2", audited.Actor);
    }

    [Fact]
    public async Task IdleConnections_AsManyAsTheMachineAllowsFromManyAddresses_HonestMetersStillDeliver()
    {
        await using var node = await IngressNode.StartAsync(honestMeters: 20, intervals: 8, o => Guarded(o));
        await using var honest = await HonestMeters.ConnectAsync(node);
        Assert.Equal(1.0, Latency.Of(await honest.RunAsync(pushes: 1, TimeSpan.FromMilliseconds(200)).WaitAsync(Bound)).DeliveredShare);

        // Both ends are in this process, but the node keeps at most its pre-authentication pool (1,000) of them open:
        // the attacker's 10,000 (the figure) fit in 20,000 descriptors with 4,000 to spare for the node,
        // the honest meters and the test host. A smaller limit gets a smaller attack.
        var connections = Math.Min(10_000, OpenFileLimit() - 4_000);
        var attack = new AttackRunner().RunAsync(new AttackOptions
        {
            Kind = AttackKind.IdleConnections,
            Target = Tcp(node),
            Duration = TimeSpan.FromSeconds(12),
            Connections = connections,
            SourceAddresses = AttackSockets.ParseAddresses("127.0.0.2-127.0.0.200"),
        });
        await Eventually(() => Task.FromResult(node.Node.ConnectionGate.Opened >= 2_000), TimeSpan.FromSeconds(20));
        var during = Latency.Of(await honest.RunAsync(pushes: 3, TimeSpan.FromSeconds(1)).WaitAsync(Bound));
        var report = await attack.WaitAsync(Bound);
        var gate = node.Node.ConnectionGate;
        output.WriteLine($"{connections} idle connections attempted: {report}; gate opened {gate.Opened}, refused {gate.Refused}, evicted {gate.Evicted}, timed out {gate.AuthenticationTimeouts}; honest: {during}");

        Assert.Equal(1.0, during.DeliveredShare);
        Assert.True(gate.Refused + gate.Evicted > 0, "the gate never refused nor evicted an idle connection");
        Assert.True(report.ConnectionsClosedByTarget > 0);
        Assert.True(node.Metrics.Rejected(IngestRejectReason.ConnectionLimited) > 0);
    }

    [Fact]
    public async Task SlowSenders_HeaderThenOneByteASecond_ClosedAndAuditedOncePerSource()
    {
        await using var node = await IngressNode.StartAsync(honestMeters: 1, intervals: 2, o => Guarded(o, new ConnectionGateOptions { AuthenticationTimeout = TimeSpan.FromSeconds(1) }));
        var report = await new AttackRunner().RunAsync(new AttackOptions
        {
            Kind = AttackKind.SlowSender,
            Target = Tcp(node),
            Duration = TimeSpan.FromSeconds(5),
            Connections = 12,
            SourceAddresses = AttackSockets.ParseAddresses("127.0.0.2-127.0.0.4"),
        }).WaitAsync(Bound);
        output.WriteLine($"{report}; slow senders refused {node.Metrics.Rejected(IngestRejectReason.SlowSender)}");

        Assert.True(report.ConnectionsClosedByTarget >= 12, $"closed by the target: {report.ConnectionsClosedByTarget}");
        Assert.True(node.Metrics.Rejected(IngestRejectReason.SlowSender) >= 12);
        await Eventually(async () => (await node.AuditAsync("frame.rejected.slow-sender")).Count == 3);
        Assert.Equal(["127.0.0.2", "127.0.0.3", "127.0.0.4"], (await node.AuditAsync("frame.rejected.slow-sender")).Select(r => r.Actor).Order());
        Assert.Equal(0, await node.CountReadingsAsync());
    }

    [Fact]
    public async Task SlowSender_AfterAnAcceptedPushAHeaderThenOneByteASecond_ClosedAtTheFrameDeadlineAsASlowSender()
    {
        await using var node = await IngressNode.StartAsync(honestMeters: 1, intervals: 2, o => Guarded(o));
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(node.TcpEndpoint).WaitAsync(Bound);
        await socket.SendAsync(new WrapperFrame(1, 1, node.Pushes[0][0]).ToArray(), SocketFlags.None);
        await Eventually(async () => await node.CountReadingsAsync() > 0);

        var frame = new WrapperFrame(1, 1, node.Pushes[0][1]).ToArray();
        await socket.SendAsync(frame.AsMemory(0, WrapperFrame.HeaderLength), SocketFlags.None);
        var closed = WaitClosedAsync(socket);
        var sentBytes = 0;
        for (var i = WrapperFrame.HeaderLength; i < frame.Length - 1 && !closed.IsCompleted; i++)
        {
            await Task.WhenAny(closed, Task.Delay(TimeSpan.FromSeconds(1)));
            if (!closed.IsCompleted)
            {
                try
                {
                    await socket.SendAsync(frame.AsMemory(i, 1), SocketFlags.None);
                    sentBytes++;
                }
                catch (SocketException)
                {
                    break;
                }
            }
        }

        await closed.WaitAsync(Bound);
        Assert.InRange(sentBytes, 3, 8);
        Assert.Equal(1, node.Metrics.Rejected(IngestRejectReason.SlowSender));
        await Eventually(async () => (await node.AuditAsync("frame.rejected.slow-sender")).Count == 1);
    }

    [Fact]
    public async Task Replay_CapturedPushesResentByAnotherSource_NeverStoredCountedAsReplayAndTheMeterGoesOn()
    {
        await using var node = await IngressNode.StartAsync(honestMeters: 1, intervals: 6, o => Guarded(o));
        await using var honest = await HonestMeters.ConnectAsync(node);
        Assert.Equal(1.0, Latency.Of(await honest.RunAsync(pushes: 3, TimeSpan.FromMilliseconds(100)).WaitAsync(Bound)).DeliveredShare);
        var stored = await node.CountReadingsAsync();

        var report = await new AttackRunner().RunAsync(new AttackOptions
        {
            Kind = AttackKind.Replay,
            Target = Tcp(node),
            Duration = TimeSpan.FromSeconds(2),
            Rate = 40,
            SourceAddresses = [IPAddress.Parse("127.0.0.3")],
            Frames = [.. node.Pushes[0].Take(3).Select(p => (ReadOnlyMemory<byte>)p)],
        }).WaitAsync(Bound);
        await Eventually(() => Task.FromResult(node.Metrics.Rejected(IngestRejectReason.Replay) >= report.FramesSent));

        Assert.True(report.FramesSent >= 40, $"replayed {report.FramesSent}");
        Assert.Equal(stored, await node.CountReadingsAsync());
        Assert.Equal(0, node.Metrics.Rejected(IngestRejectReason.MeterRateLimited));
        Assert.Equal(1.0, Latency.Of(await honest.RunAsync(pushes: 1, TimeSpan.FromMilliseconds(100)).WaitAsync(Bound)).DeliveredShare);
        await Eventually(async () => (await node.AuditAsync("frame.rejected.replay")).Count == 1);
    }

    private static int OpenFileLimit()
    {
        // RLIMIT_NOFILE's soft limit, as the shell reports it; 4,096 when it cannot be read.
        try
        {
            var limits = File.ReadAllLines("/proc/self/limits").FirstOrDefault(l => l.StartsWith("Max open files", StringComparison.Ordinal));
            var soft = limits?.Split(' ', StringSplitOptions.RemoveEmptyEntries)[3];
            return int.TryParse(soft, out var value) ? value : 4_096;
        }
        catch (IOException)
        {
            return 4_096;
        }
    }

    private static async Task WaitClosedAsync(Socket socket)
    {
        var buffer = new byte[64];
        try
        {
            while (await socket.ReceiveAsync(buffer, SocketFlags.None) > 0)
            {
            }
        }
        catch (SocketException)
        {
        }
    }

    private static async Task Eventually(Func<Task<bool>> condition, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(15));
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The condition did not hold in time.");
            await Task.Delay(20);
        }
    }
}
