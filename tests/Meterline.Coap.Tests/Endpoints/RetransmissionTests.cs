using System.Net;
using Meterline.Coap.Endpoints;
using Meterline.Coap.Messages;
using Microsoft.Extensions.Time.Testing;

namespace Meterline.Coap.Tests.Endpoints;

public sealed class RetransmissionTests
{
    [Fact]
    public void Timeouts_DefaultParameters_DoubleFromInitialFourTimes()
    {
        var options = new CoapEndpointOptions();
        for (var i = 0; i < 100; i++)
        {
            var initial = RetransmissionSchedule.InitialTimeout(options);
            Assert.InRange(initial, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(3));
        }

        Assert.Equal([2, 4, 8, 16, 32], RetransmissionSchedule.Timeouts(TimeSpan.FromSeconds(2), 4).Select(t => t.TotalSeconds));
    }

    [Fact]
    public async Task SendAsync_SilentPeer_RetransmitsWithBackOffThenFails()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        await using var client = new RunningEndpoint(null, new CoapEndpointOptions { TimeProvider = time });
        using var peer = new RawPeer();
        var quiet = TimeSpan.FromMilliseconds(200);

        var sending = client.Endpoint.SendAsync(peer.EndPoint, new CoapMessage { Type = CoapMessageType.Confirmable, Code = CoapCode.Get });
        var first = await peer.ReceiveAsync(RunningEndpoint.Bound);
        await Task.Delay(quiet);
        time.Advance(TimeSpan.FromSeconds(1.99));
        Assert.Null(await peer.ReceiveAsync(quiet));

        // The initial timeout is 2 to 3 s, then 2x, 4x, 8x, 16x it; each retransmission is the same datagram.
        var elapsed = TimeSpan.FromSeconds(1.99);
        var timeouts = new List<TimeSpan>();
        var previous = TimeSpan.Zero;
        for (var retransmission = 1; retransmission <= 4; retransmission++)
        {
            byte[]? again = null;
            while (again is null)
            {
                time.Advance(TimeSpan.FromMilliseconds(100));
                elapsed += TimeSpan.FromMilliseconds(100);
                again = await peer.ReceiveAsync(TimeSpan.FromMilliseconds(50));
            }

            Assert.Equal(first, again);
            timeouts.Add(elapsed - previous);
            previous = elapsed;
            await Task.Delay(quiet);
        }

        Assert.InRange(timeouts[0].TotalSeconds, 2.0, 3.2);
        for (var i = 1; i < timeouts.Count; i++)
        {
            Assert.InRange(timeouts[i].TotalSeconds / timeouts[0].TotalSeconds, Math.Pow(2, i) * 0.9, Math.Pow(2, i) * 1.1);
        }

        time.Advance(timeouts[0] * 16 + TimeSpan.FromSeconds(1));
        await Assert.ThrowsAsync<CoapExchangeException>(() => sending.WaitAsync(RunningEndpoint.Bound));
        Assert.Equal(4, client.Endpoint.Retransmissions);
        Assert.Null(await peer.ReceiveAsync(quiet));
    }

    [Fact]
    public async Task SendAsync_PeerResets_FailsAtOnce()
    {
        await using var client = new RunningEndpoint(null);
        using var peer = new RawPeer();

        var sending = client.Endpoint.SendAsync(peer.EndPoint, new CoapMessage { Type = CoapMessageType.Confirmable, Code = CoapCode.Get });
        var request = await peer.ReceiveMessageAsync(RunningEndpoint.Bound);
        await peer.SendAsync(client.Address, CoapMessage.Empty(CoapMessageType.Reset, request.MessageId));

        await Assert.ThrowsAsync<CoapExchangeException>(() => sending.WaitAsync(RunningEndpoint.Bound));
    }

    [Fact]
    public async Task Receive_ResponseWithUnknownToken_Reset()
    {
        await using var client = new RunningEndpoint(null);
        using var peer = new RawPeer();

        await peer.SendAsync(client.Address, new CoapMessage { Type = CoapMessageType.Confirmable, Code = CoapCode.Content, MessageId = 77, Token = new byte[8] });

        Assert.Equal("7000004D", Convert.ToHexString((await peer.ReceiveAsync(RunningEndpoint.Bound))!));
        Assert.Equal(IPAddress.Loopback, client.Address.Address);
    }
}
