using System.Net;
using System.Net.Sockets;
using Meterline.Dlms.Wrapper;
using Meterline.HeadEnd.Ingest;
using Meterline.HeadEnd.Testing;

namespace Meterline.Ingress.Tests;

/// <summary>
/// Malformed IEC 62056-47 wrapper input against a real node's push ports (TCP and UDP): announced lengths of 65,535,
/// versions other than 1, truncated frames. Each is refused and counted, nothing throws (an honest push still gets
/// through afterwards), nothing is stored, and the node's heap does not grow by what the headers announce.
/// </summary>
public sealed class MalformedWrapperTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task ServeTcp_TwoHundredConnectionsEachAnnouncing65535Bytes_HeapGrowsFarLessThanTheAnnouncedTotalAndAllAreClosed()
    {
        const int Connections = 200;
        await using var node = await IngressNode.StartAsync(honestMeters: 1, intervals: 2,
            o => o with { Connections = new ConnectionGateOptions { AuthenticationTimeout = TimeSpan.FromSeconds(3) } });
        var heapBefore = LiveHeap.Measure();
        var header = new byte[WrapperFrame.HeaderLength];
        WrapperFrame.WriteHeader(header, 1, 1, ushort.MaxValue);
        var sockets = new List<Socket>();
        try
        {
            for (var i = 0; i < Connections; i++)
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                sockets.Add(socket);
                socket.Bind(new IPEndPoint(new IPAddress([127, 0, 0, (byte)(2 + (i / 10))]), 0));
                await socket.ConnectAsync(node.TcpEndpoint).WaitAsync(Bound);
                await socket.SendAsync(header, SocketFlags.None);
            }

            await Eventually(() => node.Node.ConnectionGate.Open == Connections);
            await Task.Delay(300);
            var held = LiveHeap.Measure() - heapBefore;

            // Allocating what each header announces would hold 200 x 64 KiB = 12.8 MB.
            Assert.True(held < Connections * 16 * 1024, $"the heap grew by {held:N0} bytes with {Connections} oversize announcements held open");
            await Task.WhenAll(sockets.Select(WaitClosedAsync)).WaitAsync(Bound);
        }
        finally
        {
            foreach (var socket in sockets)
            {
                socket.Dispose();
            }
        }

        await Eventually(() => node.Node.ConnectionGate.Open == 0 && node.Metrics.Rejected(IngestRejectReason.Oversize) == Connections);
        Assert.Equal(Connections, node.Metrics.Rejected(IngestRejectReason.SlowSender));
        await Eventually(async () => (await node.AuditAsync("frame.rejected.oversize")).Count == Connections / 10);
        Assert.Equal(0, await node.CountReadingsAsync());
        Assert.True(LiveHeap.Measure() - heapBefore < 2 << 20, "the heap did not return after the connections closed");
    }

    [Fact]
    public async Task ServeTcp_VersionNotOneThenTruncatedFrame_RefusedAsMalformedNothingStoredThenAnHonestPushStored()
    {
        await using var node = await IngressNode.StartAsync(honestMeters: 1, intervals: 2);
        using (var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            await socket.ConnectAsync(node.TcpEndpoint).WaitAsync(Bound);
            var versionTwo = new WrapperFrame(1, 1, node.Pushes[0][0]).ToArray();
            versionTwo[1] = 2;
            var truncated = new WrapperFrame(1, 1, node.Pushes[0][0]).ToArray()[..40];
            await socket.SendAsync(versionTwo, SocketFlags.None);
            await socket.SendAsync(truncated, SocketFlags.None);
            socket.Shutdown(SocketShutdown.Send);
            await WaitClosedAsync(socket).WaitAsync(Bound);
        }

        await Eventually(() => node.Node.ConnectionGate.Open == 0 && node.Metrics.Rejected(IngestRejectReason.Malformed) >= 1,
            describe: () => $"open {node.Node.ConnectionGate.Open}, malformed {node.Metrics.Rejected(IngestRejectReason.Malformed)}, oversize {node.Metrics.Rejected(IngestRejectReason.Oversize)}");
        Assert.Equal(0, await node.CountReadingsAsync());
        Assert.Equal(0, node.Metrics.Accepted);

        using var honest = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await honest.ConnectAsync(node.TcpEndpoint).WaitAsync(Bound);
        await honest.SendAsync(new WrapperFrame(1, 1, node.Pushes[0][0]).ToArray(), SocketFlags.None);
        await Eventually(async () => await node.CountReadingsAsync() > 0);
    }

    [Fact]
    public async Task ServeUdp_FortyThousandBadDatagrams_RefusedCountedNothingStoredHeapUnchangedThenAnHonestPushStored()
    {
        await using var node = await IngressNode.StartAsync(honestMeters: 1, intervals: 2);
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var oversize = new byte[WrapperFrame.HeaderLength + 64];
        WrapperFrame.WriteHeader(oversize, 1, 1, ushort.MaxValue);
        var versionTwo = new WrapperFrame(1, 1, node.Pushes[0][0]).ToArray();
        versionTwo[1] = 2;
        var truncated = new WrapperFrame(1, 1, node.Pushes[0][0]).ToArray()[..40];
        byte[][] bad = [oversize, versionTwo, truncated];
        // The live heap is compared across a second, larger burst, after a first one has made what the UDP path keeps
        // for good (its thread, its queue's store, the pooled buffers, code run once). Measured as what a full compacting
        // collection keeps (LiveHeap): 0.3 to 4.2 KB of growth over 29,700 datagrams, so the bound of 256 KiB fails a
        // leak of 9 bytes a datagram. (GC.GetTotalMemory read 1.1 to 1.9 MB here, varying from run to run: under the
        // regions GC it miscounts generation 0 when sockets pin buffers, and made this test fail once at a 2 MiB bound.)
        await SendAsync(socket, node.UdpEndpoint, bad, 3_300);
        await Eventually(() => node.Node.PushReceiver.DroppedDatagrams >= 9_300, TimeSpan.FromSeconds(30), () => $"dropped {node.Node.PushReceiver.DroppedDatagrams}, frames {node.Node.PushReceiver.FramesReceived}, malformed {node.Metrics.Rejected(IngestRejectReason.Malformed)}");
        await Task.Delay(300);
        var heapBefore = LiveHeap.Measure();

        await SendAsync(socket, node.UdpEndpoint, bad, 9_900);
        await Eventually(() => node.Node.PushReceiver.DroppedDatagrams >= 37_200, TimeSpan.FromSeconds(30), () => $"dropped {node.Node.PushReceiver.DroppedDatagrams}");
        await Task.Delay(300);
        var grown = LiveHeap.Measure() - heapBefore;

        Assert.True(grown < 256 << 10, $"the live heap grew by {grown:N0} bytes over 29,700 bad datagrams (loopback may lose a few)");
        Assert.Equal(0, await node.CountReadingsAsync());
        Assert.Equal(node.Node.PushReceiver.DroppedDatagrams, node.Metrics.Rejected(IngestRejectReason.Malformed) + node.Metrics.Rejected(IngestRejectReason.Oversize));
        await socket.SendToAsync(new WrapperFrame(1, 1, node.Pushes[0][0]).ToArray(), SocketFlags.None, node.UdpEndpoint);
        await Eventually(async () => await node.CountReadingsAsync() > 0);
    }

    /// <summary>Sends each datagram <paramref name="times"/> times, pausing now and then so that the loopback socket buffer does not overflow.</summary>
    private static async Task SendAsync(Socket socket, IPEndPoint target, byte[][] datagrams, int times)
    {
        for (var i = 0; i < times; i++)
        {
            foreach (var datagram in datagrams)
            {
                await socket.SendToAsync(datagram, SocketFlags.None, target);
            }

            if (i % 5 == 4)
            {
                await Task.Delay(2);
            }
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

    private static Task Eventually(Func<bool> condition, TimeSpan? within = null, Func<string>? describe = null) => Eventually(() => Task.FromResult(condition()), within, describe);

    private static async Task Eventually(Func<Task<bool>> condition, TimeSpan? within = null, Func<string>? describe = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(15));
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The condition did not hold in time. " + describe?.Invoke());
            await Task.Delay(20);
        }
    }
}
