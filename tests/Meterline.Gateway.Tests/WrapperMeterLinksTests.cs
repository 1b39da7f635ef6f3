using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Meterline.Dlms.Links;
using Meterline.Dlms.Wrapper;
using Meterline.Gateway.Mqtt;
using Meterline.Gateway.Wrapper;
using Microsoft.Extensions.Time.Testing;

namespace Meterline.Gateway.Tests;

/// <summary>Meters on DLMS/TCP links to the gateway, over loopback TCP with raw wrapper frames.</summary>
public sealed class WrapperMeterLinksTests : IAsyncDisposable
{
    private const string A = "4D4C4D0000000001";
    private const string B = "4D4C4D0000000002";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private readonly CancellationTokenSource _stop = new();
    private readonly Channel<GatewayUplink> _uplink = Channel.CreateUnbounded<GatewayUplink>();
    private readonly TcpListener _listener = TcpTransport.Listen(new IPEndPoint(IPAddress.Loopback, 0));
    private Task? _serving;

    [Fact]
    public async Task Push_FromAListedMeter_HandedOnAsSentAndTheMetersRequestsAndAnswersGoBothWays()
    {
        var links = Start(new WrapperLinksOptions());
        using var meter = await ConnectAsync();
        var push = Push(A, 1);

        await meter.GetStream().WriteAsync(push);
        var up = await _uplink.Reader.ReadAsync().AsTask().WaitAsync(Bound);

        Assert.Equal((A, true), (up.SystemTitle, up.IsPush));
        Assert.Equal(push, up.Frame);
        var request = new WrapperFrame(0x10, 1, new byte[] { 0x60, 0x01, 0x02 }).ToArray();
        Assert.True(links.TrySend(A, request));
        var received = new byte[request.Length];
        await meter.GetStream().ReadExactlyAsync(received).AsTask().WaitAsync(Bound);
        Assert.Equal(request, received);
        var answer = new WrapperFrame(1, 0x10, new byte[] { 0x61, 0x03 }).ToArray();
        await meter.GetStream().WriteAsync(answer);
        var back = await _uplink.Reader.ReadAsync().AsTask().WaitAsync(Bound);
        Assert.Equal((A, false), (back.SystemTitle, back.IsPush));
        Assert.Equal(answer, back.Frame);
        Assert.False(links.TrySend(B, request));
        Assert.Equal(1, links.RequestsDropped);
    }

    [Fact]
    public async Task Frames_MalformedOversizeForeignOrUnasked_CountedAndDroppedAndTheLinkGoesOn()
    {
        var links = Start(new WrapperLinksOptions { MaxApduLength = 64 });
        using var meter = await ConnectAsync();
        var stream = meter.GetStream();

        await stream.WriteAsync(new byte[] { 0xFF, 0xEE, 0xDD });
        await stream.WriteAsync(new WrapperFrame(1, 1, new byte[65]).ToArray().AsMemory(0, WrapperFrame.HeaderLength));
        await stream.WriteAsync(new byte[65]);
        await stream.WriteAsync(Push("4D4C4D00000FFFFF", 1));
        await stream.WriteAsync(new WrapperFrame(1, 0x10, new byte[] { 0x61 }).ToArray());
        await stream.WriteAsync(new WrapperFrame(0x10, 1, new byte[] { 0xDB, 0x01 }).ToArray());
        await stream.WriteAsync(new WrapperFrame(1, 1, new byte[] { 0x0F, 0x00 }).ToArray());
        await stream.WriteAsync(Push(A, 2));

        var up = await _uplink.Reader.ReadAsync().AsTask().WaitAsync(Bound);
        Assert.Equal(A, up.SystemTitle);
        Assert.False(_uplink.Reader.TryRead(out _));
        // Garbage, the oversize frame, the unasked answer, the frame from a client wPort and the unprotected push.
        await WaitUntilAsync(() => links.MalformedFrames == 5);
        Assert.Equal(1, links.UnknownMeters);
    }

    [Fact]
    public async Task Connections_BeyondTheBound_ClosedAtOnce()
    {
        var links = Start(new WrapperLinksOptions { MaxConnections = 1 });
        using var first = await ConnectAsync();
        await first.GetStream().WriteAsync(Push(A, 1));
        await _uplink.Reader.ReadAsync().AsTask().WaitAsync(Bound);

        using var second = await ConnectAsync();
        var read = await second.GetStream().ReadAsync(new byte[1]).AsTask().WaitAsync(Bound);

        Assert.Equal(0, read);
        Assert.Equal(1, links.RefusedConnections);
        Assert.Equal(1, links.Connections);
    }

    [Fact]
    public async Task Link_NamingNoMeterInTime_Closed()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var links = Start(new WrapperLinksOptions { IdentifyTimeout = TimeSpan.FromSeconds(60) }, time);
        using var meter = await ConnectAsync();
        await WaitUntilAsync(() => links.Connections == 1);

        // The link starts its identify timer just after it is counted: advance until the timer has fired.
        var reading = meter.GetStream().ReadAsync(new byte[1]).AsTask();
        await WaitUntilAsync(() =>
        {
            time.Advance(TimeSpan.FromSeconds(61));
            return reading.IsCompleted;
        });

        Assert.Equal(0, await reading);
        await WaitUntilAsync(() => links.Connections == 0);
        Assert.Equal(1, links.Unidentified);
    }

    [Fact]
    public async Task Meter_ConnectingAgain_ItsRequestsGoToTheNewLink()
    {
        var links = Start(new WrapperLinksOptions());
        using var old = await ConnectAsync();
        await old.GetStream().WriteAsync(Push(A, 1));
        await _uplink.Reader.ReadAsync().AsTask().WaitAsync(Bound);
        using var renewed = await ConnectAsync();
        await renewed.GetStream().WriteAsync(Push(A, 2));
        await _uplink.Reader.ReadAsync().AsTask().WaitAsync(Bound);

        var request = new WrapperFrame(0x10, 1, new byte[] { 0x60 }).ToArray();
        Assert.True(links.TrySend(A, request));
        var received = new byte[request.Length];
        await renewed.GetStream().ReadExactlyAsync(received).AsTask().WaitAsync(Bound);

        Assert.Equal(request, received);
    }

    [Fact]
    public async Task Link_NextFrame_ReadOnlyOnceTheFrameBeforeIsKept()
    {
        var kept = Channel.CreateUnbounded<(GatewayUplink Uplink, TaskCompletionSource<bool> Kept)>();
        var links = Start(new WrapperLinksOptions(), uplink: async (u, token) =>
        {
            var done = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            await kept.Writer.WriteAsync((u, done), token);
            return await done.Task.WaitAsync(token);
        });
        using var meter = await ConnectAsync();

        await meter.GetStream().WriteAsync(Push(A, 1).Concat(Push(A, 2)).ToArray());
        var first = await kept.Reader.ReadAsync().AsTask().WaitAsync(Bound);

        // Both frames came in one write, yet the second is not read while the first is not kept.
        Assert.Equal(1, links.FramesReceived);
        Assert.False(kept.Reader.TryRead(out _));
        first.Kept.SetResult(true);
        var second = await kept.Reader.ReadAsync().AsTask().WaitAsync(Bound);
        Assert.Equal(Push(A, 2), second.Uplink.Frame);
        Assert.Equal(2, links.FramesReceived);
        second.Kept.SetResult(true);
    }

    [Fact]
    public async Task Link_FrameNotKeptInTime_ClosedAndCounted()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var handed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var links = Start(new WrapperLinksOptions { KeepTimeout = TimeSpan.FromSeconds(5) }, time, async (_, token) =>
        {
            handed.TrySetResult();
            await Task.Delay(Timeout.InfiniteTimeSpan, token);
            return true;
        });
        using var meter = await ConnectAsync();
        await meter.GetStream().WriteAsync(Push(A, 1));
        await handed.Task.WaitAsync(Bound);

        time.Advance(TimeSpan.FromSeconds(6));
        var read = await meter.GetStream().ReadAsync(new byte[1]).AsTask().WaitAsync(Bound);

        Assert.Equal(0, read);
        await WaitUntilAsync(() => links.Connections == 0);
        Assert.Equal(1, links.KeepTimeouts);
        Assert.Equal(0, links.NotKept);
    }

    [Fact]
    public async Task Link_LaterFrameNotKeptInTime_TheLinksOneTimerFiresAgainAndClosesIt()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var handed = Channel.CreateUnbounded<GatewayUplink>();
        var links = Start(new WrapperLinksOptions { KeepTimeout = TimeSpan.FromSeconds(5) }, time, async (u, token) =>
        {
            await handed.Writer.WriteAsync(u, token);
            if (u.Frame.SequenceEqual(Push(A, 1)))
            {
                return true;
            }

            await Task.Delay(Timeout.InfiniteTimeSpan, token);
            return true;
        });
        using var meter = await ConnectAsync();
        await meter.GetStream().WriteAsync(Push(A, 1));
        await handed.Reader.ReadAsync().AsTask().WaitAsync(Bound);

        // Long after the first frame was kept: its wait ended, so nothing fires.
        time.Advance(TimeSpan.FromSeconds(60));
        await meter.GetStream().WriteAsync(Push(A, 2));
        await handed.Reader.ReadAsync().AsTask().WaitAsync(Bound);
        Assert.Equal((1, 0L), (links.Connections, links.KeepTimeouts));
        time.Advance(TimeSpan.FromSeconds(6));
        var read = await meter.GetStream().ReadAsync(new byte[1]).AsTask().WaitAsync(Bound);

        Assert.Equal(0, read);
        await WaitUntilAsync(() => links.Connections == 0);
        Assert.Equal((1L, 0L, 2L), (links.KeepTimeouts, links.NotKept, links.FramesReceived));
    }

    [Fact]
    public async Task Link_EachFrameKeptWithinTheTimeout_StaysOpenThoughTheWaitsAddUpPastIt()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var kept = Channel.CreateUnbounded<TaskCompletionSource<bool>>();
        var links = Start(new WrapperLinksOptions { KeepTimeout = TimeSpan.FromSeconds(5) }, time, async (_, token) =>
        {
            var done = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            await kept.Writer.WriteAsync(done, token);
            return await done.Task.WaitAsync(token);
        });
        using var meter = await ConnectAsync();

        for (var n = 1u; n <= 4; n++)
        {
            await meter.GetStream().WriteAsync(Push(A, n));
            var waiting = await kept.Reader.ReadAsync().AsTask().WaitAsync(Bound);

            // 4 s of the 5 allowed for each frame: 16 s in all, the timer restarted for each.
            time.Advance(TimeSpan.FromSeconds(4));
            waiting.SetResult(true);
        }

        await meter.GetStream().WriteAsync(Push(A, 5));
        (await kept.Reader.ReadAsync().AsTask().WaitAsync(Bound)).SetResult(true);
        Assert.Equal((1, 0L, 5L), (links.Connections, links.KeepTimeouts, links.FramesReceived));
    }

    [Fact]
    public async Task Link_FrameRefused_ClosedAndCounted()
    {
        var links = Start(new WrapperLinksOptions(), uplink: (_, _) => ValueTask.FromResult(false));
        using var meter = await ConnectAsync();
        await meter.GetStream().WriteAsync(Push(A, 1).Concat(Push(A, 2)).ToArray());

        var read = await meter.GetStream().ReadAsync(new byte[1]).AsTask().WaitAsync(Bound);

        Assert.Equal(0, read);
        await WaitUntilAsync(() => links.Connections == 0);
        Assert.Equal((1L, 1L, 0L), (links.NotKept, links.FramesReceived, links.KeepTimeouts));
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        if (_serving is not null)
        {
            await _serving.WaitAsync(Bound);
        }

        _stop.Dispose();
    }

    /// <summary>A general-glo-ciphering push's outer layer (tag 0xDB, the sender's system title, SC 0x30 and IC); the gateway reads no further.</summary>
    internal static byte[] Push(string title, uint counter)
    {
        var apdu = new List<byte> { 0xDB, 0x08 };
        apdu.AddRange(Convert.FromHexString(title));
        apdu.AddRange([0x0B, 0x30, (byte)(counter >> 24), (byte)(counter >> 16), (byte)(counter >> 8), (byte)counter, 1, 2, 3, 4, 5, 6]);
        return new WrapperFrame(1, 1, apdu.ToArray()).ToArray();
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var bound = new CancellationTokenSource(Bound);
        while (!condition())
        {
            await Task.Delay(10, bound.Token);
        }
    }

    private WrapperMeterLinks Start(WrapperLinksOptions options, TimeProvider? time = null, Func<GatewayUplink, CancellationToken, ValueTask<bool>>? uplink = null)
    {
        var links = new WrapperMeterLinks([A, B], options, time);
        _serving = links.ServeAsync(_listener, uplink ?? (async (u, token) =>
        {
            await _uplink.Writer.WriteAsync(u, token);
            return true;
        }), _stop.Token);
        return links;
    }

    private async Task<TcpClient> ConnectAsync()
    {
        var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)_listener.LocalEndpoint).Port).WaitAsync(Bound);
        return client;
    }
}
