using System.Net;
using Meterline.Dlms.Wrapper;
using Microsoft.Extensions.Time.Testing;

namespace Meterline.Dlms.Links.Tests;

public class WrapperLinkTests
{
    private static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task SendAndReceive_OverLoopbackTcp_Works()
    {
        using var listener = TcpTransport.Listen(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var accept = listener.AcceptSocketAsync();
        await using var clientPipe = await TcpTransport.ConnectAsync("127.0.0.1", port, TimeSpan.FromSeconds(5));
        await using var serverPipe = TcpTransport.FromAccepted(await accept.WaitAsync(TestTimeout));
        await using var server = WrapperLink.Start(serverPipe, localWPort: 1, remoteWPort: null);
        await using var client = WrapperLink.Start(clientPipe, localWPort: 16, remoteWPort: 1);

        var request = HdlcLinkTests.Pattern(300, 3);
        await client.SendAsync(request).AsTask().WaitAsync(TestTimeout);
        Assert.Equal(request, (await server.ReceiveAsync().AsTask().WaitAsync(TestTimeout)).ToArray());
        Assert.Equal((ushort)16, server.RemoteWPort);
        await server.SendAsync(request[..10]).AsTask().WaitAsync(TestTimeout);
        Assert.Equal(request[..10], (await client.ReceiveAsync().AsTask().WaitAsync(TestTimeout)).ToArray());
    }

    [Fact]
    public async Task Receive_FramesForOtherWPorts_AreCountedAndDropped()
    {
        var (clientPipe, serverPipe) = InMemoryDuplexPipe.CreatePair();
        await using var client = WrapperLink.Start(clientPipe, localWPort: 16, remoteWPort: 1);
        await serverPipe.Output.WriteAsync(new WrapperFrame(1, 32, new byte[] { 0xAA }).ToArray());
        await serverPipe.Output.WriteAsync(new WrapperFrame(2, 16, new byte[] { 0xBB }).ToArray());
        await serverPipe.Output.WriteAsync(new WrapperFrame(1, 16, new byte[] { 0xCC }).ToArray());
        Assert.Equal(new byte[] { 0xCC }, (await client.ReceiveAsync().AsTask().WaitAsync(TestTimeout)).ToArray());
        Assert.Equal(2, client.MisaddressedFrames);
    }

    [Fact]
    public async Task Receive_LyingLength_IsDroppedAndTheNextFrameStillArrives()
    {
        var (clientPipe, serverPipe) = InMemoryDuplexPipe.CreatePair();
        await using var client = WrapperLink.Start(clientPipe, localWPort: 16, remoteWPort: 1, maxApduLength: 1024);
        await serverPipe.Output.WriteAsync(new byte[] { 0x00, 0x01, 0x00, 0x01, 0x00, 0x10, 0xFF, 0xFF, 0xC4, 0x01 });
        await serverPipe.Output.WriteAsync(new WrapperFrame(1, 16, new byte[] { 0xC4, 0x02 }).ToArray());
        Assert.Equal(new byte[] { 0xC4, 0x02 }, (await client.ReceiveAsync().AsTask().WaitAsync(TestTimeout)).ToArray());
        Assert.Equal(1, client.Statistics.OversizeFrames);
    }

    [Fact]
    public async Task Receive_PartialFrameNeverCompleted_IsDiscardedAfterInterFrameTimeout()
    {
        var clock = new FakeTimeProvider();
        var (clientPipe, serverPipe) = InMemoryDuplexPipe.CreatePair();
        await using var client = WrapperLink.Start(clientPipe, 16, 1, interFrameTimeout: TimeSpan.FromSeconds(2), clock: clock);
        // A header promising 100 bytes, and only 3 of them.
        await serverPipe.Output.WriteAsync(new byte[] { 0x00, 0x01, 0x00, 0x01, 0x00, 0x10, 0x00, 0x64, 1, 2, 3 });
        for (var i = 0; i < 300 && client.DiscardedPartialBytes == 0; i++)
        {
            await Task.Delay(10);
            clock.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal(11, client.DiscardedPartialBytes);
        await serverPipe.Output.WriteAsync(new WrapperFrame(1, 16, new byte[] { 0xC4 }).ToArray());
        Assert.Equal(new byte[] { 0xC4 }, (await client.ReceiveAsync().AsTask().WaitAsync(TestTimeout)).ToArray());
    }

    [Fact]
    public async Task Receive_NodeHoldsTheReadLoopPastTheInterFrameTimeout_PeerIsNotCutAndNothingIsLost()
    {
        var clock = new FakeTimeProvider();
        var (clientPipe, serverPipe) = InMemoryDuplexPipe.CreatePair();
        await using var client = WrapperLink.Start(clientPipe, 16, 1, interFrameTimeout: TimeSpan.FromSeconds(2), clock: clock, endOnInterFrameTimeout: true);

        // Fill the link's receive queue, and leave a frame half sent: the inter-frame timer runs for the peer.
        var half = new WrapperFrame(1, 16, new byte[] { 0xC4, 0xA0, 0xA1, 0xA2 }).ToArray();
        await serverPipe.Output.WriteAsync(Enumerable.Range(0, ApduLink.ReceiveQueueCapacity)
            .SelectMany(i => new WrapperFrame(1, 16, new byte[] { 0xC4, (byte)i }).ToArray()).Concat(half[..9]).ToArray());
        await WaitUntilAsync(() => client.Statistics.FramesRead >= ApduLink.ReceiveQueueCapacity);

        // The rest arrives at once, with one more frame; the node holds the read loop (its queue is full) far past the
        // timeout. That is the node's time, not the peer's.
        await serverPipe.Output.WriteAsync(half[9..]);
        await serverPipe.Output.WriteAsync(new WrapperFrame(1, 16, new byte[] { 0xC4, 0xB0 }).ToArray());
        for (var i = 0; i < 10; i++)
        {
            await Task.Delay(20);
            clock.Advance(TimeSpan.FromSeconds(1));
        }

        for (var i = 0; i < ApduLink.ReceiveQueueCapacity; i++)
        {
            Assert.Equal(new byte[] { 0xC4, (byte)i }, (await client.ReceiveAsync().AsTask().WaitAsync(TestTimeout)).ToArray());
        }

        Assert.Equal(new byte[] { 0xC4, 0xA0, 0xA1, 0xA2 }, (await client.ReceiveAsync().AsTask().WaitAsync(TestTimeout)).ToArray());
        Assert.Equal(new byte[] { 0xC4, 0xB0 }, (await client.ReceiveAsync().AsTask().WaitAsync(TestTimeout)).ToArray());
        await serverPipe.Output.WriteAsync(new WrapperFrame(1, 16, new byte[] { 0xC4, 0xC0 }).ToArray());
        Assert.Equal(new byte[] { 0xC4, 0xC0 }, (await client.ReceiveAsync().AsTask().WaitAsync(TestTimeout)).ToArray());
        Assert.Equal(0, client.PartialFramesTimedOut);
    }

    [Fact]
    public async Task Receive_PeerDribblesOneFrame_CutWhenItsOwnDeadlinePasses()
    {
        var clock = new FakeTimeProvider();
        var (clientPipe, serverPipe) = InMemoryDuplexPipe.CreatePair();
        await using var client = WrapperLink.Start(clientPipe, 16, 1, interFrameTimeout: TimeSpan.FromSeconds(2), clock: clock, endOnInterFrameTimeout: true);
        var frame = new WrapperFrame(1, 16, new byte[40]).ToArray();

        // One byte a second never restarts the frame's deadline.
        await serverPipe.Output.WriteAsync(frame[..9]);
        for (var i = 9; i < 20 && client.PartialFramesTimedOut == 0; i++)
        {
            await Task.Delay(20);
            clock.Advance(TimeSpan.FromSeconds(1));
            await serverPipe.Output.WriteAsync(frame[i..(i + 1)]);
        }

        await WaitUntilAsync(() => client.PartialFramesTimedOut == 1);
        await Assert.ThrowsAsync<DlmsLinkException>(() => client.ReceiveAsync().AsTask().WaitAsync(TestTimeout));
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TestTimeout;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met in time");
            await Task.Delay(10);
        }
    }

    [Fact]
    public async Task ConnectAsync_NothingListening_ThrowsTransientLinkException()
    {
        using var listener = TcpTransport.Listen(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var e = await Assert.ThrowsAsync<DlmsLinkException>(() => TcpTransport.ConnectAsync("127.0.0.1", port, TimeSpan.FromSeconds(5)));
        Assert.True(e.IsTransient);
    }
}

public class UdpWrapperLinkTests
{
    [Fact]
    public async Task SendAndReceive_OverLoopbackUdp_OneApduPerDatagram()
    {
        using var peer = new System.Net.Sockets.UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var peerEndpoint = (IPEndPoint)peer.Client.LocalEndPoint!;
        await using var link = UdpWrapperLink.Connect(peerEndpoint, localWPort: 16, remoteWPort: 1);
        await link.SendAsync(new byte[] { 0xC0, 0x01 });
        var datagram = await peer.ReceiveAsync().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(new WrapperFrame(16, 1, new byte[] { 0xC0, 0x01 }).ToArray(), datagram.Buffer);

        // A malformed datagram, one for another wPort, then the answer.
        await peer.SendAsync(new byte[] { 0x00, 0x01, 0x00, 0x01, 0x00, 0x10, 0x00, 0x09, 0xC4 }, datagram.RemoteEndPoint);
        await peer.SendAsync(new WrapperFrame(1, 32, new byte[] { 0xAA }).ToArray(), datagram.RemoteEndPoint);
        await peer.SendAsync(new WrapperFrame(1, 16, new byte[] { 0xC4, 0x01 }).ToArray(), datagram.RemoteEndPoint);
        Assert.Equal(new byte[] { 0xC4, 0x01 }, (await link.ReceiveAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10))).ToArray());
        Assert.Equal(2, link.DroppedDatagrams);
    }
}
