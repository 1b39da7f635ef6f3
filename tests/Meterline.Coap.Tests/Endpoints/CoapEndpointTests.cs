using System.Net;
using System.Security.Cryptography;
using System.Text;
using Meterline.Coap.Endpoints;
using Meterline.Coap.Messages;
using Meterline.HeadEnd.Testing;

namespace Meterline.Coap.Tests.Endpoints;

public sealed class CoapEndpointTests
{
    private static readonly TimeSpan Bound = RunningEndpoint.Bound;
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);

    private static CoapRequestHandler Echo(Action? onCall = null) => (request, _) =>
    {
        onCall?.Invoke();
        return ValueTask.FromResult(new CoapResponse(CoapCode.Changed, [], request.Body, MayExceedRequestSize: true));
    };

    private static CoapMessage Post(ushort id, byte[] token, string path, byte[] payload, CoapMessageType type = CoapMessageType.Confirmable) =>
        new() { Type = type, Code = CoapCode.Post, MessageId = id, Token = token, Options = [.. CoapMessage.PathOptions(path)], Payload = payload };

    [Fact]
    public async Task SendAsync_ConfirmablePost_PiggybackedResponse()
    {
        await using var server = new RunningEndpoint(Echo());
        await using var client = new RunningEndpoint(null);

        var response = await client.Endpoint.SendAsync(server.Address, Post(0, [], "/echo", [1, 2, 3])).WaitAsync(Bound);

        Assert.Equal(CoapMessageType.Acknowledgement, response.Type);
        Assert.Equal(CoapCode.Changed, response.Code);
        Assert.Equal([1, 2, 3], response.Payload.ToArray());
    }

    [Fact]
    public async Task SendAsync_NonConfirmablePost_NonResponseWithSameToken()
    {
        await using var server = new RunningEndpoint(Echo());
        using var peer = new RawPeer();

        await peer.SendAsync(server.Address, Post(0x1111, [7, 7], "/echo", [9], CoapMessageType.NonConfirmable));
        var response = await peer.ReceiveMessageAsync(Bound);

        Assert.Equal(CoapMessageType.NonConfirmable, response.Type);
        Assert.Equal([7, 7], response.Token.ToArray());
        Assert.Equal(CoapCode.Changed, response.Code);
    }

    [Fact]
    public async Task Request_SlowHandler_EmptyAckThenConfirmableSeparateResponse()
    {
        var release = new TaskCompletionSource();
        await using var server = new RunningEndpoint(async (request, ct) =>
        {
            await release.Task.WaitAsync(ct);
            return CoapResponse.Of(CoapCode.Changed);
        }, new CoapEndpointOptions { PiggybackWindow = TimeSpan.FromMilliseconds(50) });
        using var peer = new RawPeer();

        await peer.SendAsync(server.Address, Post(0x2222, [1, 2, 3, 4], "/slow", [1]));
        var ack = await peer.ReceiveMessageAsync(Bound);
        await peer.SendAsync(server.Address, Post(0x2222, [1, 2, 3, 4], "/slow", [1]));
        var ackAgain = await peer.ReceiveMessageAsync(Bound);
        release.SetResult();
        var separate = await peer.ReceiveMessageAsync(Bound);
        await peer.SendAsync(server.Address, CoapMessage.Empty(CoapMessageType.Acknowledgement, separate.MessageId));

        Assert.Equal((CoapMessageType.Acknowledgement, CoapCode.Empty, (ushort)0x2222), (ack.Type, ack.Code, ack.MessageId));
        Assert.Equal(ack.MessageId, ackAgain.MessageId);
        Assert.True(ackAgain.IsEmpty);
        Assert.Equal(CoapMessageType.Confirmable, separate.Type);
        Assert.Equal(CoapCode.Changed, separate.Code);
        Assert.Equal([1, 2, 3, 4], separate.Token.ToArray());
        Assert.Null(await peer.ReceiveAsync(Quiet));
    }

    [Fact]
    public async Task SendAsync_SlowServer_ClientGetsSeparateResponse()
    {
        await using var server = new RunningEndpoint(async (request, ct) =>
        {
            await Task.Delay(300, ct);
            return new CoapResponse(CoapCode.Content, [], Encoding.ASCII.GetBytes("late"), true);
        }, new CoapEndpointOptions { PiggybackWindow = TimeSpan.FromMilliseconds(20) });
        await using var client = new RunningEndpoint(null);

        var response = await client.Endpoint.SendAsync(server.Address, new CoapMessage { Type = CoapMessageType.Confirmable, Code = CoapCode.Get }).WaitAsync(Bound);

        Assert.Equal(CoapMessageType.Confirmable, response.Type);
        Assert.Equal("late", Encoding.ASCII.GetString(response.Payload.Span));
    }

    [Fact]
    public async Task Request_DuplicateConfirmable_SameResponseHandledOnce()
    {
        var calls = 0;
        await using var server = new RunningEndpoint(Echo(() => Interlocked.Increment(ref calls)));
        using var peer = new RawPeer();
        var request = Post(0x3333, [5], "/echo", [1, 2]);

        await peer.SendAsync(server.Address, request);
        var first = await peer.ReceiveAsync(Bound);
        await peer.SendAsync(server.Address, request);
        var second = await peer.ReceiveAsync(Bound);

        Assert.Equal(first, second);
        Assert.Equal(1, calls);
        Assert.Equal(1, server.Endpoint.Duplicates);
    }

    [Theory]
    [InlineData(CoapMessageType.Confirmable, true)]
    [InlineData(CoapMessageType.NonConfirmable, false)]
    [InlineData(CoapMessageType.Acknowledgement, false)]
    public async Task Receive_ReservedTokenLength_ResetOnlyForConfirmable(CoapMessageType type, bool reset)
    {
        await using var server = new RunningEndpoint(Echo());
        using var peer = new RawPeer();
        byte[] datagram = [(byte)(0x40 | ((int)type << 4) | 9), 0x02, 0x44, 0x55, .. new byte[9]];

        await peer.SendAsync(server.Address, datagram);
        var answer = await peer.ReceiveAsync(reset ? Bound : Quiet);

        if (reset)
        {
            Assert.Equal("70004455", Convert.ToHexString(answer!));
        }
        else
        {
            Assert.Null(answer);
        }

        Assert.Equal(1, server.Endpoint.Malformed);
    }

    [Fact]
    public async Task Receive_EmptyConfirmablePing_Reset()
    {
        await using var server = new RunningEndpoint(Echo());
        using var peer = new RawPeer();

        await peer.SendAsync(server.Address, CoapMessage.Empty(CoapMessageType.Confirmable, 0xABCD));

        Assert.Equal("7000ABCD", Convert.ToHexString((await peer.ReceiveAsync(Bound))!));
    }

    [Fact]
    public async Task Request_UnknownCriticalOption_BadOptionForConOnly()
    {
        var calls = 0;
        await using var server = new RunningEndpoint(Echo(() => Interlocked.Increment(ref calls)));
        using var peer = new RawPeer();
        var con = Post(1, [1], "/echo", [1]).WithOption((CoapOptionNumber)2049, new CoapOption(2049, new byte[] { 1 }));

        await peer.SendAsync(server.Address, con);
        var response = await peer.ReceiveMessageAsync(Bound);
        await peer.SendAsync(server.Address, con with { Type = CoapMessageType.NonConfirmable, MessageId = 2 });

        Assert.Equal(CoapCode.BadOption, response.Code);
        Assert.Null(await peer.ReceiveAsync(Quiet));
        Assert.Equal(0, calls);
    }

    [Fact]
    public async Task Request_UnknownElectiveOption_Ignored()
    {
        await using var server = new RunningEndpoint(Echo());
        using var peer = new RawPeer();

        await peer.SendAsync(server.Address, Post(1, [1], "/echo", [1]).WithOption((CoapOptionNumber)2048, new CoapOption(2048, new byte[] { 1 })));

        Assert.Equal(CoapCode.Changed, (await peer.ReceiveMessageAsync(Bound)).Code);
    }

    [Fact]
    public async Task Request_LargeUnauthenticatedResponse_NeverLargerThanRequest()
    {
        await using var server = new RunningEndpoint((request, _) => ValueTask.FromResult(new CoapResponse(CoapCode.Content, [CoapOption.FromString(CoapOptionNumber.LocationPath, "a-long-location-path")], new byte[1000])));
        using var peer = new RawPeer();

        foreach (var request in new[] { new CoapMessage { Code = CoapCode.Get, MessageId = 1 }, Post(2, [1, 2, 3, 4, 5, 6, 7, 8], "/x", [1]) })
        {
            var bytes = CoapMessageWriter.Encode(request);
            await peer.SendAsync(server.Address, bytes);
            var response = await peer.ReceiveAsync(Bound);

            Assert.True(response!.Length <= bytes.Length, $"{response.Length}-byte response to a {bytes.Length}-byte request");
            Assert.Equal(CoapCode.Content, CoapMessageReader.Read(response).Code);
        }

        Assert.Equal(2, server.Endpoint.AmplificationTrimmed);
    }

    [Fact]
    public async Task RequestAsync_LargeBodiesBothWays_Block1AndBlock2()
    {
        var body = RandomNumberGenerator.GetBytes(5000);
        await using var server = new RunningEndpoint((request, _) => ValueTask.FromResult(new CoapResponse(CoapCode.Changed, [], request.Body.ToArray().Reverse().ToArray(), true)),
            new CoapEndpointOptions { BlockSize = 256 });
        await using var client = new RunningEndpoint(null, new CoapEndpointOptions { BlockSize = 512 });

        var response = await client.Client.RequestAsync(server.Address, CoapCode.Post, "/big", body).WaitAsync(Bound);

        Assert.Equal(CoapCode.Changed, response.Code);
        Assert.Equal(body.Reverse().ToArray(), response.Body.ToArray());
        Assert.Equal(0, server.Endpoint.ActiveReassemblies);
    }

    [Fact]
    public async Task Block1_AnnouncedTooLarge_RequestEntityTooLargeWithSize1()
    {
        await using var server = new RunningEndpoint(Echo(), new CoapEndpointOptions { MaxBodySize = 1000 });
        using var peer = new RawPeer();
        var first = Post(1, [1], "/big", new byte[64]).WithOption(CoapOptionNumber.Block1, new Blockwise.BlockOption(0, true, 2).ToOption(CoapOptionNumber.Block1))
            .WithOption(CoapOptionNumber.Size1, CoapOption.FromUInt(CoapOptionNumber.Size1, 1_000_000));

        await peer.SendAsync(server.Address, first);
        var response = await peer.ReceiveMessageAsync(Bound);

        Assert.Equal(CoapCode.RequestEntityTooLarge, response.Code);
        Assert.Equal(1000u, response.Size1);
        Assert.Equal(1, server.Endpoint.Oversize);
        Assert.Equal(0, server.Endpoint.ActiveReassemblies);
    }

    [Fact]
    public async Task Block1_ManyBlocksBeyondLimit_RequestEntityTooLarge()
    {
        await using var server = new RunningEndpoint(Echo(), new CoapEndpointOptions { MaxBodySize = 200 });
        using var peer = new RawPeer();
        CoapMessage? last = null;
        for (uint n = 0; n < 5; n++)
        {
            await peer.SendAsync(server.Address, Post((ushort)(10 + n), [1], "/big", new byte[64]).WithOption(CoapOptionNumber.Block1, new Blockwise.BlockOption(n, true, 2).ToOption(CoapOptionNumber.Block1)));
            last = await peer.ReceiveMessageAsync(Bound);
            if (last.Code != CoapCode.Continue)
            {
                break;
            }
        }

        Assert.Equal(CoapCode.RequestEntityTooLarge, last!.Code);
        Assert.Equal(0, server.Endpoint.ActiveReassemblies);
    }

    [Fact]
    public async Task Block1_OutOfOrder_RequestEntityIncomplete()
    {
        await using var server = new RunningEndpoint(Echo());
        using var peer = new RawPeer();

        await peer.SendAsync(server.Address, Post(1, [1], "/big", new byte[64]).WithOption(CoapOptionNumber.Block1, new Blockwise.BlockOption(0, true, 2).ToOption(CoapOptionNumber.Block1)));
        var cont = await peer.ReceiveMessageAsync(Bound);
        await peer.SendAsync(server.Address, Post(2, [1], "/big", new byte[64]).WithOption(CoapOptionNumber.Block1, new Blockwise.BlockOption(2, false, 2).ToOption(CoapOptionNumber.Block1)));
        var incomplete = await peer.ReceiveMessageAsync(Bound);

        Assert.Equal(CoapCode.Continue, cont.Code);
        Assert.Equal(CoapCode.RequestEntityIncomplete, incomplete.Code);
    }

    [Fact]
    public async Task Receive_GarbageFlood_CountedNothingKept()
    {
        var calls = 0;
        await using var server = new RunningEndpoint(Echo(() => Interlocked.Increment(ref calls)));
        using var peer = new RawPeer();
        var before = LiveHeap.Measure();

        const int Count = 5000;
        var deadline = DateTime.UtcNow + Bound;
        for (var i = 0; i < Count; i++)
        {
            var garbage = RandomNumberGenerator.GetBytes(RandomNumberGenerator.GetInt32(0, 1500));
            if (garbage.Length >= 1)
            {
                garbage[0] = (byte)(garbage[0] & 0xCF); // version bits random, type CON or NON
            }

            await peer.SendAsync(server.Address, garbage);
            if (i % 100 == 99)
            {
                // Paced so the kernel's socket buffer does not drop datagrams: every one must be seen and counted.
                await WaitForAsync(() => server.Endpoint.Received >= i + 1, deadline);
            }
        }

        await peer.SendAsync(server.Address, CoapMessage.Empty(CoapMessageType.Confirmable, 1));
        await WaitForAsync(() => server.Endpoint.Received >= Count + 1, deadline);

        var after = LiveHeap.Measure();
        Assert.Equal(Count + 1, server.Endpoint.Received);
        Assert.True(server.Endpoint.Malformed + server.Endpoint.Oversize > Count / 2);
        Assert.True(server.Endpoint.DeduplicationEntries <= Count - server.Endpoint.Malformed - server.Endpoint.Oversize);
        Assert.True(after - before < 8 * 1024 * 1024, $"{after - before} bytes more after the flood");
    }

    private static async Task WaitForAsync(Func<bool> condition, DateTime deadline)
    {
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The endpoint did not receive every datagram in time.");
            await Task.Delay(5);
        }
    }
}
