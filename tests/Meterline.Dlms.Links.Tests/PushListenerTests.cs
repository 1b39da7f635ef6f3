using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;
using Meterline.Dlms.Apdus;
using Meterline.Dlms.Cosem;
using Meterline.Dlms.Security;
using Meterline.Dlms.Wrapper;

namespace Meterline.Dlms.Links.Tests;

public sealed class PushListenerTests : IDisposable
{
    private static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(20);
    private readonly Dictionary<SystemTitle, AesGcmCipher> _meters = [];
    private readonly Resolver _resolver;

    public PushListenerTests()
    {
        for (var i = 1; i <= 3; i++)
        {
            _meters[new SystemTitle(0x4D4D4D0000000000UL + (ulong)i)] = new AesGcmCipher(CipherKey.Generate(), CipherKey.Generate());
        }

        _resolver = new Resolver(_meters);
    }

    [Fact]
    public async Task ServeTcp_ThreeMetersAtOnce_EveryNotificationVerifiedAndAttributed()
    {
        var listener = new PushListener(_resolver, new InvocationCounterGuard());
        using var tcp = TcpTransport.Listen(new IPEndPoint(IPAddress.Loopback, 0));
        using var stop = new CancellationTokenSource();
        var serving = listener.ServeTcpAsync(tcp, stop.Token);
        var port = ((IPEndPoint)tcp.LocalEndpoint).Port;

        var senders = _meters.Keys.Select(async title =>
        {
            await using var pipe = await TcpTransport.ConnectAsync("127.0.0.1", port, TimeSpan.FromSeconds(5));
            await using var link = WrapperLink.Start(pipe, 0x66, 1);
            for (uint counter = 1; counter <= 20; counter++)
            {
                await link.SendAsync(Push(title, counter));
            }
        }).ToArray();
        await Task.WhenAll(senders).WaitAsync(TestTimeout);

        var received = new List<PushNotification>();
        while (received.Count < 60)
        {
            received.Add(await listener.Notifications.ReadAsync().AsTask().WaitAsync(TestTimeout));
        }

        foreach (var title in _meters.Keys)
        {
            var mine = received.Where(n => n.Sender == title).ToList();
            Assert.Equal(Enumerable.Range(1, 20).Select(i => (uint)i), mine.Select(n => n.InvocationCounter));
            Assert.All(mine, n => Assert.True(n.Protection.Authenticated && n.Protection.Encrypted));
        }

        Assert.Equal(60, listener.Accepted);
        await stop.CancelAsync();
        await serving.WaitAsync(TestTimeout);
    }

    [Fact]
    public async Task Attach_EveryBadKindOfPush_IsDroppedAndCountedByReason()
    {
        var listener = new PushListener(_resolver, new InvocationCounterGuard());
        var (meterPipe, listenerPipe) = InMemoryDuplexPipe.CreatePair();
        await using var meter = WrapperLink.Start(meterPipe, 0x66, 1);
        await using var link = WrapperLink.Start(listenerPipe, 1, null);
        using var stop = new CancellationTokenSource();
        var attached = listener.AttachAsync(link, "test", null, stop.Token);
        var title = _meters.Keys.First();

        await meter.SendAsync(Push(title, 10));
        await meter.SendAsync(Push(title, 10));                                  // replay
        await meter.SendAsync(Push(title, 9));                                   // older counter
        var forged = Push(title, 11);
        forged[^1] ^= 0x01;
        await meter.SendAsync(forged);                                           // forged tag
        await meter.SendAsync(Push(new SystemTitle(0x4D4D4D00000000FFUL), 1));    // unknown meter
        await meter.SendAsync(Notification(1).ToArray());                        // unprotected
        await meter.SendAsync(new byte[] { 0xDB, 0x08, 1, 2, 3 });               // malformed
        await meter.SendAsync(Push(title, 11));                                  // the genuine next one

        Assert.Equal(10u, (await listener.Notifications.ReadAsync().AsTask().WaitAsync(TestTimeout)).InvocationCounter);
        Assert.Equal(11u, (await listener.Notifications.ReadAsync().AsTask().WaitAsync(TestTimeout)).InvocationCounter);
        Assert.Equal(2, listener.Replays);
        Assert.Equal(1, listener.AuthenticationFailures);
        Assert.Equal(1, listener.UnknownSenders);
        Assert.Equal(1, listener.Unprotected);
        Assert.Equal(1, listener.Malformed);
        Assert.Equal(2, listener.Accepted);
        await stop.CancelAsync();
        await attached.WaitAsync(TestTimeout);
    }

    [Fact]
    public async Task ServeUdp_Datagrams_VerifiedAndMalformedCounted()
    {
        var listener = new PushListener(_resolver, new InvocationCounterGuard());
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        using var stop = new CancellationTokenSource();
        var serving = listener.ServeUdpAsync(socket, stop.Token);
        var title = _meters.Keys.Last();
        using var sender = new UdpClient(AddressFamily.InterNetwork);
        var target = (IPEndPoint)socket.LocalEndPoint!;
        await sender.SendAsync(new byte[] { 0x00, 0x01, 0x00, 0x66, 0x00, 0x01, 0x00, 0x40, 0xDB }, target);
        await sender.SendAsync(new WrapperFrame(0x66, 1, Push(title, 5)).ToArray(), target);
        var notification = await listener.Notifications.ReadAsync().AsTask().WaitAsync(TestTimeout);
        Assert.Equal(title, notification.Sender);
        Assert.StartsWith("udp:", notification.LinkId, StringComparison.Ordinal);
        Assert.Equal(1, listener.Malformed);
        await stop.CancelAsync();
        await serving.WaitAsync(TestTimeout);
    }

    [Fact]
    public async Task ServeTcp_BeyondMaxConnections_ExtraConnectionsAreClosed()
    {
        var listener = new PushListener(_resolver, new InvocationCounterGuard(), new PushListenerOptions { MaxConnections = 2 });
        using var tcp = TcpTransport.Listen(new IPEndPoint(IPAddress.Loopback, 0));
        using var stop = new CancellationTokenSource();
        var serving = listener.ServeTcpAsync(tcp, stop.Token);
        var port = ((IPEndPoint)tcp.LocalEndpoint).Port;
        var open = new List<TcpClient>();
        try
        {
            for (var i = 0; i < 4; i++)
            {
                var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                open.Add(client);
            }

            for (var i = 0; i < 100 && listener.RefusedConnections < 2; i++)
            {
                await Task.Delay(20);
            }

            Assert.Equal(2, listener.RefusedConnections);
        }
        finally
        {
            open.ForEach(client => client.Dispose());
        }

        await stop.CancelAsync();
        await serving.WaitAsync(TestTimeout);
    }

    public void Dispose()
    {
        foreach (var cipher in _meters.Values)
        {
            cipher.Dispose();
        }
    }

    private static DataNotification Notification(uint counter) => new(
        new LongInvokeIdAndPriority(counter, false, false),
        null,
        new CosemData.Structure(new CosemData.DoubleLongUnsigned(1000 + counter), new CosemData.LongUnsigned(2300)));

    private byte[] Push(SystemTitle title, uint counter)
    {
        var cipher = _meters.TryGetValue(title, out var known) ? known : _meters.Values.First();
        return GeneralGloCiphering.Protect(cipher, SecurityControl.AuthenticatedEncryption, title, counter, Notification(counter).ToArray()).ToArray();
    }

    private sealed class Resolver(Dictionary<SystemTitle, AesGcmCipher> meters) : ISenderKeyResolver
    {
        public bool TryGetCipher(SystemTitle sender, [NotNullWhen(true)] out AesGcmCipher? cipher) => meters.TryGetValue(sender, out cipher);
    }
}
