using System.Net;
using System.Net.Sockets;
using Meterline.Dlms.Links;
using Meterline.Dlms.Security;
using Meterline.Simulator.Push;
using Meterline.Simulator.Tests.Support;

namespace Meterline.Simulator.Tests.Push;

/// <summary>Real meters' pushes delivered to a real <see cref="PushListener"/> that knows only the provisioned keys.</summary>
public sealed class PushDeliveryTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);
    private readonly FleetFixture _fleet = new(2);
    private readonly FleetFixture.ISenderKeyResolverWithDispose _keys;

    public PushDeliveryTests()
    {
        _keys = _fleet.Keys();
    }

    private void CloseABlock()
    {
        _fleet.Time.Advance(TimeSpan.FromMinutes(16));
        foreach (var meter in _fleet.Meters)
        {
            meter.Meter.AdvanceTo();
        }
    }

    [Fact]
    public async Task PumpOnce_TcpWrapper_EveryMetersPushVerifiedByThePushListener()
    {
        CloseABlock();
        var pending = _fleet.Meters.Select(m => m.Meter.PendingPushes).ToArray();
        Assert.All(pending, p => Assert.True(p >= 1));
        var listener = new PushListener(_keys, new InvocationCounterGuard());
        using var tcp = TcpTransport.Listen(new IPEndPoint(IPAddress.Loopback, 0));
        using var stop = new CancellationTokenSource();
        var serving = listener.ServeTcpAsync(tcp, stop.Token);
        await using var sink = new TcpWrapperPushSink("127.0.0.1", ((IPEndPoint)tcp.LocalEndpoint).Port);
        var pump = new PushPump(_fleet.Meters, sink);

        var delivered = await pump.PumpOnceAsync(CancellationToken.None).WaitAsync(Bound);

        Assert.Equal(pending.Sum(), delivered);
        var received = new List<PushNotification>();
        while (received.Count < delivered)
        {
            received.Add(await listener.Notifications.ReadAsync().AsTask().WaitAsync(Bound));
        }

        Assert.Equal(_fleet.Meters.Select(m => m.Meter.SystemTitle.Value).Order(), received.Select(n => n.Sender.Value).Distinct().Order());
        Assert.All(received, n => Assert.True(n.Protection.Authenticated && n.Protection.Encrypted));
        Assert.All(_fleet.Meters, m => Assert.Equal(0, m.Meter.PendingPushes));
        Assert.Equal(0, listener.UnknownSenders + listener.AuthenticationFailures + listener.Replays);
        Assert.Equal(1, sink.Connects);
        await stop.CancelAsync();
        await serving.WaitAsync(Bound);
    }

    [Fact]
    public async Task PumpOnce_DeadDestination_PushStaysQueuedAndIsDeliveredOnceTheListenerStarts()
    {
        CloseABlock();
        var port = FreePort();
        await using var sink = new TcpWrapperPushSink("127.0.0.1", port, new TcpWrapperPushSinkOptions { MinBackoff = TimeSpan.FromMilliseconds(20), ConnectTimeout = TimeSpan.FromSeconds(2) });
        var pump = new PushPump(_fleet.Meters, sink);
        var pending = _fleet.Meters.Sum(m => m.Meter.PendingPushes);

        Assert.Equal(0, await pump.PumpOnceAsync(CancellationToken.None).WaitAsync(Bound));
        Assert.Equal(pending, _fleet.Meters.Sum(m => m.Meter.PendingPushes));
        Assert.True(sink.ConnectFailures >= 1);
        Assert.True(pump.FailedAttempts >= 1);

        var listener = new PushListener(_keys, new InvocationCounterGuard());
        using var tcp = TcpTransport.Listen(new IPEndPoint(IPAddress.Loopback, port));
        using var stop = new CancellationTokenSource();
        var serving = listener.ServeTcpAsync(tcp, stop.Token);
        await Task.Delay(100);                                  // past the sink's back-off (real time)
        _fleet.Time.Advance(TimeSpan.FromMinutes(2));           // past the push setup's repetition delay (meter time)

        var delivered = await pump.PumpOnceAsync(CancellationToken.None).WaitAsync(Bound);

        Assert.Equal(pending, delivered);
        Assert.All(_fleet.Meters, m => Assert.Equal(0, m.Meter.PendingPushes));
        for (var i = 0; i < delivered; i++)
        {
            await listener.Notifications.ReadAsync().AsTask().WaitAsync(Bound);
        }

        await stop.CancelAsync();
        await serving.WaitAsync(Bound);
    }

    [Fact]
    public async Task Send_AfterTheListenerClosedTheConnection_ReportsFalseThenReconnects()
    {
        CloseABlock();
        var listener = new PushListener(_keys, new InvocationCounterGuard());
        using var tcp = TcpTransport.Listen(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)tcp.LocalEndpoint).Port;
        var stop = new CancellationTokenSource();
        var serving = listener.ServeTcpAsync(tcp, stop.Token);
        await using var sink = new TcpWrapperPushSink("127.0.0.1", port, new TcpWrapperPushSinkOptions { MinBackoff = TimeSpan.FromMilliseconds(20) });
        var meter = _fleet.Meters[0];
        Assert.True(meter.TryTakePush(out var first));
        Assert.True(await sink.SendAsync(first, CancellationToken.None));
        meter.CompletePush(first.Sequence, delivered: true);

        await stop.CancelAsync();                               // the head-end goes away: its connections close
        await serving.WaitAsync(Bound);
        tcp.Stop();
        _fleet.Time.Advance(TimeSpan.FromMinutes(15));
        meter.Meter.AdvanceTo();
        Assert.True(meter.TryTakePush(out var second));
        var outcome = true;
        for (var i = 0; i < 50 && outcome; i++)
        {
            // The first write after the close may still be taken by the kernel; a later one fails.
            outcome = await sink.SendAsync(second, CancellationToken.None);
            await Task.Delay(20);
        }

        Assert.False(outcome);
        meter.CompletePush(second.Sequence, delivered: false);
        stop.Dispose();
    }

    [Fact]
    public async Task PumpOnce_UdpWrapper_PushesVerifiedByThePushListener()
    {
        CloseABlock();
        var listener = new PushListener(_keys, new InvocationCounterGuard());
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        using var stop = new CancellationTokenSource();
        var serving = listener.ServeUdpAsync(socket, stop.Token);
        await using var sink = await UdpWrapperPushSink.OpenAsync("127.0.0.1", ((IPEndPoint)socket.LocalEndPoint!).Port);
        var pump = new PushPump(_fleet.Meters, sink);

        var delivered = await pump.PumpOnceAsync(CancellationToken.None).WaitAsync(Bound);

        Assert.True(delivered >= 2);
        var senders = new HashSet<SystemTitle>();
        for (var i = 0; i < delivered; i++)
        {
            senders.Add((await listener.Notifications.ReadAsync().AsTask().WaitAsync(Bound)).Sender);
        }

        Assert.Equal(2, senders.Count);
        await stop.CancelAsync();
        await serving.WaitAsync(Bound);
    }

    [Theory]
    [InlineData("tcp://127.0.0.1:4060", PushTransport.Tcp, "127.0.0.1", 4060)]
    [InlineData("udp://head-end.example:4059", PushTransport.Udp, "head-end.example", 4059)]
    [InlineData("tcp://[::1]:4059", PushTransport.Tcp, "::1", 4059)]
    [InlineData("mqtt://broker:1883", PushTransport.Mqtt, "broker", 1883)]
    public void TryParse_GoodDestination_IsRead(string text, PushTransport transport, string host, int port)
    {
        Assert.True(PushDestination.TryParse(text, out var destination, out var error), error);
        Assert.Equal(new PushDestination(transport, host, port), destination);
    }

    [Theory]
    [InlineData("http://127.0.0.1:80", "not a push transport")]
    [InlineData("tcp://127.0.0.1", "needs a host and a port")]
    [InlineData("tcp://127.0.0.1:4059/path", "needs a host and a port")]
    [InlineData("127.0.0.1:4059", "is not a push destination")]
    [InlineData("ftp://broker:21", "not a push transport")]
    [InlineData("", "is not a push destination")]
    public void TryParse_BadDestination_IsRefused(string text, string expected)
    {
        Assert.False(PushDestination.TryParse(text, out _, out var error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        _keys.Dispose();
        _fleet.Dispose();
    }
}
