using System.Net;
using System.Net.Sockets;
using Meterline.Dlms.Wrapper;
using Meterline.Gateway.Mqtt;
using Meterline.Gateway.Wrapper;

namespace Meterline.Gateway.Tests;

/// <summary>
/// <see cref="MqttBridge.OfferDurableAsync"/>: a DLMS/TCP link's push is answered only once it is flushed to the spool
/// (no broker needed: the spool takes pushes while the broker is away).
/// </summary>
public sealed class MqttBridgeKeepTests : IAsyncDisposable
{
    private const string A = "4D4C4D0000000001";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private readonly string _directory = Directory.CreateTempSubdirectory("meterline-keep-").FullName;
    private readonly CancellationTokenSource _stop = new();
    private MqttBridge? _bridge;
    private Task? _running;

    [Fact]
    public async Task OfferDurable_PushWithASpool_TrueOnceFlushedThere()
    {
        var bridge = Start(Path.Combine(_directory, "gateway.spool"));

        var kept = await bridge.OfferDurableAsync(new GatewayUplink(A, WrapperMeterLinksTests.Push(A, 1), IsPush: true), CancellationToken.None).AsTask().WaitAsync(Bound);

        Assert.True(kept);
        Assert.Equal((1L, 1), (bridge.Spooled, bridge.SpoolPending));
    }

    [Fact]
    public async Task OfferDurable_ManyLinksAtOnce_EveryPushSpooledBeforeItsAnswer()
    {
        var bridge = Start(Path.Combine(_directory, "gateway.spool"));

        var answers = await Task.WhenAll(Enumerable.Range(1, 64).Select(async n =>
        {
            var kept = await bridge.OfferDurableAsync(new GatewayUplink(A, WrapperMeterLinksTests.Push(A, (uint)n), IsPush: true), CancellationToken.None);
            return (kept, bridge.SpoolPending);
        })).WaitAsync(Bound);

        Assert.All(answers, a => Assert.True(a.kept));
        Assert.All(answers, a => Assert.InRange(a.SpoolPending, 1, 64));
        Assert.Equal(64, bridge.Spooled);
    }

    [Fact]
    public async Task OfferDurable_SpoolFull_FalseAndCountedLost()
    {
        var bridge = Start(Path.Combine(_directory, "gateway.spool"), spoolMaxBytes: 64 * 1024);
        var apdu = new byte[4000];
        apdu[0] = 0xDB;

        var answers = new List<bool>();
        for (var n = 0; n < 40 && (answers.Count == 0 || answers[^1]); n++)
        {
            answers.Add(await bridge.OfferDurableAsync(new GatewayUplink(A, new WrapperFrame(1, 1, apdu).ToArray(), IsPush: true), CancellationToken.None).AsTask().WaitAsync(Bound));
        }

        Assert.False(answers[^1]);
        Assert.True(answers.Count > 1);
        Assert.All(answers[..^1], Assert.True);
        Assert.Equal(1, bridge.Lost);
        Assert.Equal(answers.Count - 1, bridge.Spooled);
    }

    [Fact]
    public async Task OfferDurable_WithoutASpool_TrueOnceTaken()
    {
        var bridge = Start(spool: null);

        var kept = await bridge.OfferDurableAsync(new GatewayUplink(A, WrapperMeterLinksTests.Push(A, 1), IsPush: true), CancellationToken.None).AsTask().WaitAsync(Bound);

        Assert.True(kept);
        Assert.Equal(0, bridge.Spooled);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_running is not null)
        {
            await _running.WaitAsync(Bound);
        }

        if (_bridge is not null)
        {
            await _bridge.DisposeAsync();
        }

        _stop.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private MqttBridge Start(string? spool, long spoolMaxBytes = 64L * 1024 * 1024)
    {
        _bridge = new MqttBridge(null, new WrapperMeterLinks([A]), new MqttBridgeOptions
        {
            Host = "127.0.0.1",
            Port = ClosedPort(),
            UserName = "gw",
            Password = "unused",
            Meters = [new GatewayMeter(A, null)],
            SpoolPath = spool,
            SpoolMaxBytes = spoolMaxBytes,
        });
        _running = _bridge.RunAsync(_stop.Token);
        return _bridge;
    }

    /// <summary>A port nothing listens on: the bridge keeps trying to connect while the spool takes the pushes.</summary>
    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
