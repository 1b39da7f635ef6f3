using System.Buffers;
using Meterline.Dlms.Hdlc;

namespace Meterline.Dlms.Tests.Hdlc;

/// <summary>Client and server link state machines talking through encoded bytes and the frame reader.</summary>
public class HdlcLinkTests
{
    private static readonly HdlcAddress ClientAddress = HdlcAddress.Client(16);
    private static readonly HdlcAddress ServerAddress = HdlcAddress.Server(1, 17);

    [Fact]
    public void CreateConnectRequest_DefaultParameters_IsThePublishedSnrm()
    {
        var client = new HdlcClientLink(ClientAddress, ServerAddress);
        Assert.Equal(HdlcFrameTests.Snrm, Convert.ToHexString(client.CreateConnectRequest().ToArray()));
        Assert.Equal(HdlcLinkState.Connecting, client.State);
    }

    [Fact]
    public void Connect_ServerAnswersUa_BothSidesAgreeOnParameters()
    {
        var client = new HdlcClientLink(ClientAddress, ServerAddress, new HdlcParameters(1024, 512, 1, 1));
        var server = new HdlcServerLink(ServerAddress, new HdlcParameters(256, 300, 1, 1));
        Connect(client, server);
        Assert.Equal(new HdlcParameters(300, 256, 1, 1), client.Negotiated);
        Assert.Equal(new HdlcParameters(256, 300, 1, 1), server.Negotiated);
        Assert.Equal(ClientAddress, server.Client);
    }

    [Fact]
    public void Connect_ServerAnswersDm_IsRejected()
    {
        var client = new HdlcClientLink(ClientAddress, ServerAddress);
        client.CreateConnectRequest();
        var dm = new HdlcFrame(ClientAddress, ServerAddress, HdlcControl.Unnumbered(HdlcFrameType.DisconnectedMode), ReadOnlyMemory<byte>.Empty);
        Assert.Equal(HdlcLinkEvent.Rejected, client.Receive(RoundTrip(dm)).Event);
        Assert.Equal(HdlcLinkState.Disconnected, client.State);
    }

    [Theory]
    [InlineData(10, 10)]
    [InlineData(500, 20)]
    [InlineData(2000, 3000)]
    public void Exchange_RequestAndResponseOfAnySize_ArriveWhole(int requestLength, int responseLength)
    {
        var client = new HdlcClientLink(ClientAddress, ServerAddress);
        var server = new HdlcServerLink(ServerAddress);
        Connect(client, server);
        var request = Pattern(requestLength, 1);
        var response = Pattern(responseLength, 2);

        var received = Deliver(client.Send(request), server.Receive, client.Receive);
        Assert.Equal(request, received);
        var answered = Deliver(server.Send(response), client.Receive, server.Receive);
        Assert.Equal(response, answered);
        Assert.False(client.IsSending);
    }

    [Fact]
    public void Exchange_SegmentsNeverExceedNegotiatedLength()
    {
        var client = new HdlcClientLink(ClientAddress, ServerAddress, new HdlcParameters(64, 64, 1, 1));
        var server = new HdlcServerLink(ServerAddress, new HdlcParameters(64, 64, 1, 1));
        Connect(client, server);
        var frame = client.Send(Pattern(1000, 3));
        var count = 0;
        while (true)
        {
            count++;
            Assert.InRange(frame.Information.Length, 1, 64);
            var step = server.Receive(RoundTrip(frame));
            if (step.Event == HdlcLinkEvent.ApduReceived)
            {
                break;
            }

            frame = client.Receive(RoundTrip(step.Reply!)).Reply!;
        }

        Assert.Equal((1000 + 3 + 63) / 64, count);
    }

    [Fact]
    public void Exchange_LostResponseSegment_IsSentAgainOnPoll()
    {
        var client = new HdlcClientLink(ClientAddress, ServerAddress);
        var server = new HdlcServerLink(ServerAddress);
        Connect(client, server);
        Deliver(client.Send(Pattern(5, 1)), server.Receive, client.Receive);
        var response = Pattern(300, 4);
        var first = server.Send(response);
        // The first segment is lost; the client's timer fires and it polls with its unchanged N(R).
        var step = server.Receive(RoundTrip(client.CreatePoll()));
        Assert.Equal(first.Information.ToArray(), step.Reply!.Information.ToArray());
        Assert.Equal(response, Deliver(step.Reply!, client.Receive, server.Receive));
    }

    [Fact]
    public void Receive_DuplicateIFrame_IsNotAppendedTwice()
    {
        var client = new HdlcClientLink(ClientAddress, ServerAddress);
        var server = new HdlcServerLink(ServerAddress);
        Connect(client, server);
        var request = Pattern(300, 5);
        var first = client.Send(request);
        var ack = server.Receive(RoundTrip(first));
        // The same segment arrives again (the client did not hear the RR): dropped, RR repeated.
        var repeat = server.Receive(RoundTrip(first));
        Assert.Equal(HdlcLinkEvent.None, repeat.Event);
        Assert.Equal(ack.Reply!.Control, repeat.Reply!.Control);
        Assert.Equal(request, Deliver(client.Receive(RoundTrip(ack.Reply!)).Reply!, server.Receive, client.Receive));
    }

    [Fact]
    public void Receive_ReassemblyBeyondLimit_IsAProtocolErrorNotAnAllocation()
    {
        var client = new HdlcClientLink(ClientAddress, ServerAddress);
        var server = new HdlcServerLink(ServerAddress, maxApduLength: 200);
        Connect(client, server);
        var frame = client.Send(Pattern(1000, 6));
        HdlcLinkStep step;
        do
        {
            step = server.Receive(RoundTrip(frame));
            if (step.Event != HdlcLinkEvent.None)
            {
                break;
            }

            frame = client.Receive(RoundTrip(step.Reply!)).Reply!;
        }
        while (true);
        Assert.Equal(HdlcLinkEvent.ProtocolError, step.Event);
        Assert.Equal(HdlcFrameType.FrameReject, step.Reply!.Control.FrameType);
    }

    [Fact]
    public void Disconnect_ServerAnswersUa_BothSidesDisconnected()
    {
        var client = new HdlcClientLink(ClientAddress, ServerAddress);
        var server = new HdlcServerLink(ServerAddress);
        Connect(client, server);
        var step = server.Receive(RoundTrip(client.CreateDisconnectRequest()));
        Assert.Equal(HdlcLinkEvent.Disconnected, step.Event);
        Assert.Equal(HdlcLinkEvent.Disconnected, client.Receive(RoundTrip(step.Reply!)).Event);
        Assert.Equal(HdlcLinkState.Disconnected, server.State);
        Assert.Equal(HdlcLinkState.Disconnected, client.State);
    }

    [Fact]
    public void ServerReceive_IFrameWithoutConnection_AnswersDm()
    {
        var server = new HdlcServerLink(ServerAddress);
        var frame = new HdlcFrame(ServerAddress, ClientAddress, HdlcControl.Information(0, 0, true), new byte[] { 0xE6, 0xE6, 0x00, 0xC0 });
        var step = server.Receive(RoundTrip(frame));
        Assert.Equal(HdlcFrameType.DisconnectedMode, step.Reply!.Control.FrameType);
    }

    [Fact]
    public void ServerReceive_FrameForAnotherServer_IsIgnored()
    {
        var server = new HdlcServerLink(ServerAddress);
        var frame = new HdlcFrame(HdlcAddress.Server(1, 18), ClientAddress, HdlcControl.Unnumbered(HdlcFrameType.SetNormalResponseMode), ReadOnlyMemory<byte>.Empty);
        var step = server.Receive(frame);
        Assert.Equal(HdlcLinkEvent.None, step.Event);
        Assert.Null(step.Reply);
        Assert.Equal(HdlcLinkState.Disconnected, server.State);
    }

    [Fact]
    public void ClientSend_BeforeConnect_Throws()
    {
        var client = new HdlcClientLink(ClientAddress, ServerAddress);
        Assert.Throws<InvalidOperationException>(() => client.Send(new byte[] { 0xC0 }));
    }

    [Fact]
    public void ClientReceive_ResponseWithoutLlcHeader_IsAProtocolError()
    {
        var client = new HdlcClientLink(ClientAddress, ServerAddress);
        var server = new HdlcServerLink(ServerAddress);
        Connect(client, server);
        Deliver(client.Send(Pattern(3, 1)), server.Receive, client.Receive);
        var bad = new HdlcFrame(ClientAddress, ServerAddress, HdlcControl.Information(0, 1, true), new byte[] { 0xC4, 0x01 });
        Assert.Equal(HdlcLinkEvent.ProtocolError, client.Receive(RoundTrip(bad)).Event);
    }

    private static void Connect(HdlcClientLink client, HdlcServerLink server)
    {
        var step = server.Receive(RoundTrip(client.CreateConnectRequest()));
        Assert.Equal(HdlcLinkEvent.Connected, step.Event);
        Assert.Equal(HdlcLinkEvent.Connected, client.Receive(RoundTrip(step.Reply!)).Event);
    }

    /// <summary>Plays frames between a sender and a receiver until the receiver has a whole APDU.</summary>
    private static byte[] Deliver(HdlcFrame first, Func<HdlcFrame, HdlcLinkStep> receiver, Func<HdlcFrame, HdlcLinkStep> sender)
    {
        var frame = first;
        for (var guard = 0; guard < 1000; guard++)
        {
            var step = receiver(RoundTrip(frame));
            if (step.Event == HdlcLinkEvent.ApduReceived)
            {
                return step.Apdu.ToArray();
            }

            Assert.Equal(HdlcLinkEvent.None, step.Event);
            frame = sender(RoundTrip(step.Reply!)).Reply!;
        }

        throw new InvalidOperationException("No APDU after 1000 frames");
    }

    private static HdlcFrame RoundTrip(HdlcFrame frame)
    {
        var buffer = new ReadOnlySequence<byte>(frame.ToArray());
        Assert.True(new HdlcFrameReader(HdlcFrame.MaximumFrameLength).TryRead(ref buffer, out var back));
        return back;
    }

    private static byte[] Pattern(int length, int seed) => Enumerable.Range(0, length).Select(i => (byte)(i * 7 + seed)).ToArray();
}

public class HdlcServerLinkInactivityTests
{
    [Fact]
    public void Expire_ConnectedLink_DisconnectsSilentlyAndAnswersTheNextFrameWithDm()
    {
        var server = new HdlcServerLink(HdlcAddress.Server(1, 17));
        var client = new HdlcClientLink(HdlcAddress.Client(16), HdlcAddress.Server(1, 17));
        client.Receive(server.Receive(client.CreateConnectRequest()).Reply!);
        var generation = server.SessionGeneration;

        server.Expire();

        Assert.Equal(HdlcLinkState.Disconnected, server.State);
        Assert.NotEqual(generation, server.SessionGeneration);
        var step = server.Receive(client.Send(new byte[] { 0xC0, 0x01 }));
        Assert.Equal(HdlcFrameType.DisconnectedMode, step.Reply!.Control.FrameType);
        Assert.Equal(HdlcLinkEvent.Disconnected, client.Receive(step.Reply).Event);
    }

    [Fact]
    public void SessionGeneration_ChangesOnSnrmAndDisc()
    {
        var server = new HdlcServerLink(HdlcAddress.Server(1, 17));
        var client = new HdlcClientLink(HdlcAddress.Client(16), HdlcAddress.Server(1, 17));
        var before = server.SessionGeneration;
        server.Receive(client.CreateConnectRequest());
        var connected = server.SessionGeneration;
        server.Receive(client.CreateDisconnectRequest());
        Assert.True(before < connected && connected < server.SessionGeneration);
        server.Expire();
        Assert.Equal(connected + 1, server.SessionGeneration);
    }
}

public class HdlcWindowTests
{
    [Fact]
    public void ClientReceive_WindowOfThreeFrames_AnswersOnlyTheFinalOne()
    {
        var clientAddress = HdlcAddress.Client(16);
        var serverAddress = HdlcAddress.Server(1, 17);
        var client = new HdlcClientLink(clientAddress, serverAddress, new HdlcParameters(128, 128, 3, 3));
        var ua = new HdlcFrame(clientAddress, serverAddress, HdlcControl.Unnumbered(HdlcFrameType.UnnumberedAcknowledge), new HdlcParameters(128, 128, 3, 3).Encode());
        client.CreateConnectRequest();
        Assert.Equal(HdlcLinkEvent.Connected, client.Receive(ua).Event);
        client.Send(new byte[] { 0xC0, 0x01 });

        byte[] apdu = [0xC4, 0x01, 0xC1, 0x00, 0x09, 0x04, 1, 2, 3, 4];
        byte[] information = [0xE6, 0xE7, 0x00, .. apdu];
        var parts = new[] { information[..4], information[4..8], information[8..] };

        // First window: two frames, the final bit on the second only.
        var first = client.Receive(new HdlcFrame(clientAddress, serverAddress, HdlcControl.Information(0, 1, pollFinal: false), parts[0], Segmented: true));
        Assert.Null(first.Reply);
        var second = client.Receive(new HdlcFrame(clientAddress, serverAddress, HdlcControl.Information(1, 1, pollFinal: true), parts[1], Segmented: true));
        Assert.Equal(HdlcFrameType.ReceiveReady, second.Reply!.Control.FrameType);
        Assert.Equal(2, second.Reply.Control.ReceiveSequence);

        var last = client.Receive(new HdlcFrame(clientAddress, serverAddress, HdlcControl.Information(2, 1, pollFinal: true), parts[2]));
        Assert.Equal(HdlcLinkEvent.ApduReceived, last.Event);
        Assert.Equal(apdu, last.Apdu.ToArray());
    }

    [Fact]
    public void ServerReceive_FrameWithoutPollBit_IsAcceptedSilently()
    {
        var server = new HdlcServerLink(HdlcAddress.Server(1, 17));
        var client = new HdlcClientLink(HdlcAddress.Client(16), HdlcAddress.Server(1, 17));
        client.Receive(server.Receive(client.CreateConnectRequest()).Reply!);
        var segment = new HdlcFrame(HdlcAddress.Server(1, 17), HdlcAddress.Client(16), HdlcControl.Information(0, 0, pollFinal: false), new byte[] { 0xE6, 0xE6, 0x00 }, Segmented: true);
        var step = server.Receive(segment);
        Assert.Equal(HdlcLinkEvent.None, step.Event);
        Assert.Null(step.Reply);
        var final = new HdlcFrame(HdlcAddress.Server(1, 17), HdlcAddress.Client(16), HdlcControl.Information(1, 0, pollFinal: true), new byte[] { 0xC0, 0x01 });
        var done = server.Receive(final);
        Assert.Equal(HdlcLinkEvent.ApduReceived, done.Event);
        Assert.Equal(new byte[] { 0xC0, 0x01 }, done.Apdu.ToArray());
    }
}
