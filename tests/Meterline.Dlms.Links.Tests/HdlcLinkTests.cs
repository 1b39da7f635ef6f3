using System.Net;
using System.Net.Sockets;
using Meterline.Dlms.Hdlc;
using Microsoft.Extensions.Time.Testing;

namespace Meterline.Dlms.Links.Tests;

public class HdlcLinkTests
{
    private static readonly HdlcAddress Client = HdlcAddress.Client(16);
    private static readonly HdlcAddress Server = HdlcAddress.Server(1, 17);
    private static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(10);

    [Theory]
    [InlineData(12, 40)]
    [InlineData(1_000, 5_000)]
    public async Task SendAndReceive_OverInMemoryPipes_ApdusArriveWhole(int requestLength, int responseLength)
    {
        var (clientPipe, serverPipe) = InMemoryDuplexPipe.CreatePair();
        await using var server = HdlcServerApduLink.Start(serverPipe, Server, new HdlcParameters(256, 256, 1, 1));
        var options = new HdlcLinkOptions { Proposal = new HdlcParameters(512, 512, 1, 1) };
        await using var client = await HdlcLink.ConnectAsync(clientPipe, Client, Server, options).WaitAsync(TestTimeout);
        Assert.Equal(256, client.Negotiated.MaxInformationLengthTransmit);
        Assert.Equal(256, client.Negotiated.MaxInformationLengthReceive);
        Assert.Equal(Client, server.Client);

        var request = Pattern(requestLength, 1);
        await client.SendAsync(request).AsTask().WaitAsync(TestTimeout);
        Assert.Equal(request, (await server.ReceiveAsync().AsTask().WaitAsync(TestTimeout)).ToArray());

        var response = Pattern(responseLength, 2);
        await server.SendAsync(response).AsTask().WaitAsync(TestTimeout);
        Assert.Equal(response, (await client.ReceiveAsync().AsTask().WaitAsync(TestTimeout)).ToArray());
        Assert.Equal(0, client.Statistics.ChecksumErrors);
    }

    [Fact]
    public async Task SendAndReceive_OverLoopbackTcp_Works()
    {
        using var listener = TcpTransport.Listen(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var accept = listener.AcceptSocketAsync();
        await using var clientPipe = await TcpTransport.ConnectAsync("127.0.0.1", port, TimeSpan.FromSeconds(5));
        await using var serverPipe = TcpTransport.FromAccepted(await accept.WaitAsync(TestTimeout));
        await using var server = HdlcServerApduLink.Start(serverPipe, Server);
        await using var client = await HdlcLink.ConnectAsync(clientPipe, Client, Server).WaitAsync(TestTimeout);

        for (var i = 0; i < 20; i++)
        {
            var request = Pattern(50 + i * 37, i);
            await client.SendAsync(request).AsTask().WaitAsync(TestTimeout);
            Assert.Equal(request, (await server.ReceiveAsync().AsTask().WaitAsync(TestTimeout)).ToArray());
            await server.SendAsync(request.Reverse().ToArray()).AsTask().WaitAsync(TestTimeout);
            Assert.Equal(request.Reverse().ToArray(), (await client.ReceiveAsync().AsTask().WaitAsync(TestTimeout)).ToArray());
        }
    }

    [Fact]
    public async Task ConnectAsync_SilentServer_RetriesThenFails()
    {
        var clock = new FakeTimeProvider();
        var (clientPipe, serverPipe) = InMemoryDuplexPipe.CreatePair();
        var options = new HdlcLinkOptions { Clock = clock, ResponseTimeout = TimeSpan.FromSeconds(2), MaxRetries = 2 };
        var connect = HdlcLink.ConnectAsync(clientPipe, Client, Server, options);
        for (var i = 0; i < 300 && !connect.IsCompleted; i++)
        {
            await Task.Delay(10);
            clock.Advance(TimeSpan.FromSeconds(1));
        }

        var e = await Assert.ThrowsAsync<DlmsLinkException>(() => connect.WaitAsync(TestTimeout));
        Assert.True(e.IsTransient);
        Assert.Contains("SNRM", e.Message, StringComparison.Ordinal);

        // Three SNRM frames reached the silent server: the first and two retries.
        var read = await serverPipe.Input.ReadAsync();
        Assert.Equal(3 * 10, read.Buffer.Length);
    }

    [Fact]
    public async Task ConnectAsync_ServerAnswersDm_FailsPermanently()
    {
        var (clientPipe, serverPipe) = InMemoryDuplexPipe.CreatePair();
        var connect = HdlcLink.ConnectAsync(clientPipe, Client, Server);
        await serverPipe.Input.ReadAsync();
        var dm = new HdlcFrame(Client, Server, HdlcControl.Unnumbered(HdlcFrameType.DisconnectedMode), ReadOnlyMemory<byte>.Empty);
        await serverPipe.Output.WriteAsync(dm.ToArray());
        var e = await Assert.ThrowsAsync<DlmsLinkException>(() => connect.WaitAsync(TestTimeout));
        Assert.False(e.IsTransient);
    }

    [Fact]
    public async Task Receive_ServerGoesSilentAfterRequest_PollsThenFailsTheLink()
    {
        var clock = new FakeTimeProvider();
        var (clientPipe, peer) = InMemoryDuplexPipe.CreatePair();
        var options = new HdlcLinkOptions { Clock = clock, ResponseTimeout = TimeSpan.FromSeconds(2), MaxRetries = 2 };
        var connect = HdlcLink.ConnectAsync(clientPipe, Client, Server, options);

        // A scripted peer: answers SNRM with UA, then never says another word.
        var snrm = await peer.Input.ReadAsync();
        peer.Input.AdvanceTo(snrm.Buffer.End);
        var ua = new HdlcFrame(Client, Server, HdlcControl.Unnumbered(HdlcFrameType.UnnumberedAcknowledge), ReadOnlyMemory<byte>.Empty);
        await peer.Output.WriteAsync(ua.ToArray());
        var client = await connect.WaitAsync(TestTimeout);

        await client.SendAsync(Pattern(10, 1)).AsTask().WaitAsync(TestTimeout);
        var receive = client.ReceiveAsync().AsTask();
        for (var i = 0; i < 300 && !receive.IsCompleted; i++)
        {
            await Task.Delay(10);
            clock.Advance(TimeSpan.FromSeconds(1));
        }

        var e = await Assert.ThrowsAsync<DlmsLinkException>(() => receive.WaitAsync(TestTimeout));
        Assert.Contains("No answer", e.Message, StringComparison.Ordinal);
        Assert.Equal(2, client.Retransmissions);
        await client.DisposeAsync();
    }

    [Fact]
    public async Task Receive_ServerSlowToAnswer_ClientKeepsPollingUntilTheResponse()
    {
        var clock = new FakeTimeProvider();
        var (clientPipe, serverPipe) = InMemoryDuplexPipe.CreatePair();
        await using var server = HdlcServerApduLink.Start(serverPipe, Server);
        var options = new HdlcLinkOptions { Clock = clock, ResponseTimeout = TimeSpan.FromSeconds(2), MaxRetries = 2 };
        await using var client = await HdlcLink.ConnectAsync(clientPipe, Client, Server, options).WaitAsync(TestTimeout);
        await client.SendAsync(Pattern(10, 1)).AsTask().WaitAsync(TestTimeout);
        await server.ReceiveAsync().AsTask().WaitAsync(TestTimeout);

        // Far more than MaxRetries response timeouts pass: the server answers each poll with RR, so the link lives.
        for (var i = 0; i < 600 && client.Retransmissions < 5 && !client.Completion.IsCompleted; i++)
        {
            clock.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(10);
        }

        Assert.False(client.Completion.IsCompleted);
        Assert.True(client.Retransmissions >= 5, $"only {client.Retransmissions} polls");
        await server.SendAsync(new byte[] { 0xC4, 0x01 }).AsTask().WaitAsync(TestTimeout);
        Assert.Equal(new byte[] { 0xC4, 0x01 }, (await client.ReceiveAsync().AsTask().WaitAsync(TestTimeout)).ToArray());
    }

    [Fact]
    public async Task Receive_PeerClosesThePipe_ReceiveThrowsLinkException()
    {
        var (clientPipe, serverPipe) = InMemoryDuplexPipe.CreatePair();
        await using var server = HdlcServerApduLink.Start(serverPipe, Server);
        await using var client = await HdlcLink.ConnectAsync(clientPipe, Client, Server).WaitAsync(TestTimeout);
        await serverPipe.Output.CompleteAsync();
        await Assert.ThrowsAsync<DlmsLinkException>(() => client.ReceiveAsync().AsTask().WaitAsync(TestTimeout));
    }

    [Fact]
    public async Task Receive_GarbageAndCorruptFramesOnTheLine_AreCountedAndSkipped()
    {
        var (clientPipe, serverPipe) = InMemoryDuplexPipe.CreatePair();
        await using var server = HdlcServerApduLink.Start(serverPipe, Server);
        await using var client = await HdlcLink.ConnectAsync(clientPipe, Client, Server).WaitAsync(TestTimeout);
        await client.SendAsync(Pattern(5, 1)).AsTask().WaitAsync(TestTimeout);
        await server.ReceiveAsync().AsTask().WaitAsync(TestTimeout);

        // Noise, then a frame with a broken FCS, then the real answer.
        var good = new HdlcFrame(Client, Server, HdlcControl.Information(0, 1, true), new byte[] { 0xE6, 0xE7, 0x00, 0xC4, 0x01 });
        var broken = good.ToArray();
        broken[^3] ^= 0xFF;
        await serverPipe.Output.WriteAsync(new byte[] { 0x00, 0x55, 0xAA });
        await serverPipe.Output.WriteAsync(broken);
        await serverPipe.Output.WriteAsync(good.ToArray());
        Assert.Equal(new byte[] { 0xC4, 0x01 }, (await client.ReceiveAsync().AsTask().WaitAsync(TestTimeout)).ToArray());
        Assert.Equal(1, client.Statistics.ChecksumErrors);
        Assert.True(client.Statistics.GarbageBytes >= 3);
    }

    internal static byte[] Pattern(int length, int seed) => Enumerable.Range(0, length).Select(i => (byte)(i * 13 + seed)).ToArray();
}

public class HdlcInactivityTests
{
    [Fact]
    public async Task Server_IdleBeyondInactivityTimeout_DropsTheLinkAndTheClientLearnsIt()
    {
        var clock = new FakeTimeProvider();
        var (clientPipe, serverPipe) = InMemoryDuplexPipe.CreatePair();
        await using var server = HdlcServerApduLink.Start(serverPipe, HdlcAddress.Server(1, 17), clock: clock, inactivityTimeout: TimeSpan.FromSeconds(120));
        await using var client = await HdlcLink.ConnectAsync(clientPipe, HdlcAddress.Client(16), HdlcAddress.Server(1, 17)).WaitAsync(TimeSpan.FromSeconds(10));
        var generation = server.SessionGeneration;

        clock.Advance(TimeSpan.FromSeconds(119));
        await Task.Delay(20);
        Assert.Equal(HdlcLinkState.Connected, server.State);
        // The server arms its inactivity timer on its own loop, which under load may run only after any number of the
        // advances below (it then counts its 120 s from the fake time it sees): the clock goes on a second at a time,
        // 10 ms of real time apart, until the link drops — bounded by 15 s of real time, not by fake seconds (it failed
        // in CI with a bound of 121 advances and then a real-time wait with the clock standing still).
        using (var settle = new CancellationTokenSource(TimeSpan.FromSeconds(15)))
        {
            while (server.State == HdlcLinkState.Connected && !settle.IsCancellationRequested)
            {
                clock.Advance(TimeSpan.FromSeconds(1));
                await Task.Delay(10);
            }
        }

        Assert.Equal(HdlcLinkState.Disconnected, server.State);
        Assert.NotEqual(generation, server.SessionGeneration);

        // The client's next frame is answered with DM: its link ends with a link exception.
        await client.SendAsync(new byte[] { 0xC0, 0x01 }).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        await Assert.ThrowsAsync<DlmsLinkException>(() => client.ReceiveAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
    }
}
