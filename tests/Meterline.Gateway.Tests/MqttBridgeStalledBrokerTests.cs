using System.Net;
using System.Net.Sockets;
using Meterline.Dlms.Wrapper;
using Meterline.Gateway.Mqtt;
using Meterline.Gateway.Wrapper;
using Meterline.Zigbee;
using Meterline.Zigbee.Emulator;
using Meterline.Zigbee.Frames;

namespace Meterline.Gateway.Tests;

/// <summary>
/// A bridge with a spool whose broker does not take anything (nothing listens, or a listener that never answers):
/// spooling does not wait for the publisher, so every Zigbee push the concentrator took reaches the spool, far more
/// than the publisher's queue holds, and none is dropped in the concentrator's queue.
/// </summary>
public sealed class MqttBridgeStalledBrokerTests : IAsyncDisposable
{
    private const string A = "4D4C4D0000000001";

    /// <summary>More than the publisher's queue (1024), a spool batch (256) and the small queues below together.</summary>
    private const int Pushes = 1600;

    /// <summary>Pushes sent before waiting for them to be spooled: fewer than the concentrator's and the uplink's queues, so only a stalled spool could drop.</summary>
    private const int Wave = 8;

    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private static readonly XBeeAddress64 Radio = new(0x0013A2004D540001);
    private readonly string _directory = Directory.CreateTempSubdirectory("meterline-stalled-").FullName;
    private readonly CancellationTokenSource _stop = new();
    private readonly TcpListener _silent = new(IPAddress.Loopback, 0);
    private readonly List<Socket> _accepted = [];
    private EmulatedCoordinator? _module;
    private XBeeCoordinator? _coordinator;
    private ZigbeeConcentrator? _concentrator;
    private MqttBridge? _bridge;
    private Task? _running;
    private Task _accepting = Task.CompletedTask;

    private string SpoolPath => Path.Combine(_directory, "gateway.spool");

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ZigbeePushes_BrokerTakesNothing_EveryPushTheConcentratorTookIsSpooledNoneDropped(bool brokerAcceptsAndIsSilent)
    {
        var node = await StartAsync(brokerAcceptsAndIsSilent);

        for (var sent = 0; sent < Pushes;)
        {
            for (var i = 0; i < Wave; i++)
            {
                sent++;
                await node.SendMessageAsync(WrapperMeterLinksTests.Push(A, (uint)sent)).WaitAsync(Bound);
            }

            var expected = sent;
            await WaitUntilAsync(() => _bridge!.Spooled == expected, $"{expected} pushes spooled");
        }

        Assert.Equal((0L, 0L), (_bridge!.Published, _bridge.Lost));
        Assert.Equal((Pushes, 0L, 0L), (_concentrator!.PushesReceived, _concentrator.PushesDropped, _concentrator.MalformedFrames));
        Assert.Equal(Pushes, _bridge.SpoolPending);

        // What a gateway started afresh would publish: every push, once, in the order the radio delivered them.
        await StopAsync();
        using var spool = PushSpool.Open(SpoolPath, 64L * 1024 * 1024, 4096 + WrapperFrame.HeaderLength);
        var pending = spool.Pending;
        Assert.Equal(Pushes, pending.Count);
        Assert.All(pending, p => Assert.Equal(A, p.SystemTitle));
        Assert.Equal(Enumerable.Range(1, Pushes).Select(n => Convert.ToHexString(WrapperMeterLinksTests.Push(A, (uint)n))), pending.Select(p => Convert.ToHexString(p.Frame)));
    }

    [Fact]
    public async Task Answers_BrokerUnreachable_BeyondThePublishersBoundDroppedAndCounted()
    {
        await StartAsync(brokerAcceptsAndIsSilent: false);
        var answer = new WrapperFrame(1, 0x30, new byte[] { 0xDD, 0x01 }).ToArray();

        for (var n = 0; n < 1100; n++)
        {
            await _bridge!.OfferAsync(new GatewayUplink(A, answer, IsPush: false), CancellationToken.None).AsTask().WaitAsync(Bound);
        }

        // 1024 wait for the publisher, and it holds one more in hand (taken before or after the flood).
        await WaitUntilAsync(() => _bridge!.ResponsesDropped >= 75 && _bridge.Pending + _bridge.ResponsesDropped == 1100, "every answer queued or dropped");
        Assert.InRange(_bridge!.ResponsesDropped, 75, 76);
        Assert.Equal(0, _bridge.Spooled);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        if (_concentrator is not null)
        {
            await _concentrator.DisposeAsync();
        }

        if (_coordinator is not null)
        {
            await _coordinator.DisposeAsync();
        }

        if (_module is not null)
        {
            await _module.DisposeAsync();
        }

        _silent.Dispose();
        await _accepting.WaitAsync(Bound);
        foreach (var socket in _accepted)
        {
            socket.Dispose();
        }

        _stop.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Bound;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"not within {Bound}: {what}");
            await Task.Delay(5);
        }
    }

    private async Task<EmulatedNode> StartAsync(bool brokerAcceptsAndIsSilent)
    {
        _module = EmulatedCoordinator.StartOnPseudoTerminal();
        var node = _module.AddNode(Radio, new XBeeAddress16(0x0100), "MTL1");
        _coordinator = await XBeeCoordinator.OpenAsync(_module.DevicePath!).WaitAsync(Bound);
        _concentrator = new ZigbeeConcentrator(_coordinator, new ZigbeeConcentratorOptions { PushQueueCapacity = 2 * Wave });
        _bridge = new MqttBridge(_concentrator, new MqttBridgeOptions
        {
            Host = "127.0.0.1",
            Port = brokerAcceptsAndIsSilent ? SilentBroker() : ClosedPort(),
            UserName = "gw",
            Password = "unused",
            Meters = [new GatewayMeter(A, Radio)],
            SpoolPath = SpoolPath,
            UplinkQueueCapacity = 2 * Wave,
        });
        _running = _bridge.RunAsync(_stop.Token);
        return node;
    }

    private async Task StopAsync()
    {
        await _stop.CancelAsync();
        if (_running is not null)
        {
            await _running.WaitAsync(Bound);
            _running = null;
        }

        if (_bridge is not null)
        {
            await _bridge.DisposeAsync();
            _bridge = null;
        }
    }

    /// <summary>A broker that accepts the connection and never answers (no CONNACK, no PUBACK).</summary>
    private int SilentBroker()
    {
        _silent.Start();
        _accepting = AcceptAsync();
        return ((IPEndPoint)_silent.LocalEndpoint).Port;

        async Task AcceptAsync()
        {
            try
            {
                while (true)
                {
                    var socket = await _silent.AcceptSocketAsync();
                    lock (_accepted)
                    {
                        _accepted.Add(socket);
                    }
                }
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                // The test ended.
            }
        }
    }

    /// <summary>A port nothing listens on.</summary>
    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
