using Meterline.Dlms.Acse;
using Meterline.Dlms.Apdus;
using Meterline.Dlms.Associations;
using Meterline.Dlms.Cosem;
using Microsoft.Extensions.Time.Testing;

namespace Meterline.Dlms.Links.Tests;

public class DlmsClientTests
{
    private static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(10);
    private static readonly CosemAttributeDescriptor ClockTime = new(8, ObisCode.Clock, 2);

    [Fact]
    public async Task AssociateAndGet_PublishedAare_ReturnsTheValue()
    {
        await using var peer = ScriptedPeer.Create();
        await using var client = DlmsClient.Create(peer.ClientLink, new ClientAssociation(new ClientAssociationSettings()));
        var associate = client.AssociateAsync();
        Assert.IsType<Aarq>(await peer.ExpectAsync());
        await peer.ReplyAsync(ScriptedPeer.PublishedAare);
        Assert.True((await associate.WaitAsync(TestTimeout)).IsAssociated);

        var get = client.GetAsync(ClockTime);
        var request = Assert.IsType<GetRequestNormal>(await peer.ExpectAsync());
        Assert.Equal(ClockTime, request.CosemAttributeDescriptor);
        var value = CosemData.OctetString.FromDateTime(CosemDateTime.FromDateTimeOffset(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero)));
        await peer.ReplyAsync(new GetResponseNormal(request.InvokeIdAndPriority, new GetDataResult(value)));
        Assert.Equal(value, (await get.WaitAsync(TestTimeout)).Data);
    }

    [Fact]
    public async Task Get_AnsweredInDatablocks_ReassemblesAndAsksForEachBlock()
    {
        await using var peer = ScriptedPeer.Create();
        await using var client = await AssociatedAsync(peer);
        var profile = new CosemData.Array(Enumerable.Range(0, 200).Select(i => (CosemData)new CosemData.DoubleLongUnsigned((uint)i)).ToArray());
        var encoded = CosemDataCodec.Encode(profile);
        var blocks = encoded.Chunk(300).ToArray();

        var get = client.GetAsync(new CosemAttributeDescriptor(7, new ObisCode(1, 0, 99, 1, 0, 255), 2));
        var request = Assert.IsType<GetRequestNormal>(await peer.ExpectAsync());
        for (var i = 0; i < blocks.Length; i++)
        {
            if (i > 0)
            {
                var next = Assert.IsType<GetRequestNext>(await peer.ExpectAsync());
                Assert.Equal((uint)i, next.BlockNumber);
            }

            await peer.ReplyAsync(new GetResponseWithDatablock(request.InvokeIdAndPriority, new DataBlockG(i == blocks.Length - 1, (uint)(i + 1), blocks[i])));
        }

        Assert.Equal(profile, (await get.WaitAsync(TestTimeout)).Data);
    }

    [Fact]
    public async Task Get_ResponseWithWrongInvokeIdFirst_IsCountedStaleAndTheRightOneWins()
    {
        await using var peer = ScriptedPeer.Create();
        await using var client = await AssociatedAsync(peer);
        var get = client.GetAsync(ClockTime);
        var request = Assert.IsType<GetRequestNormal>(await peer.ExpectAsync());
        var wrong = new InvokeIdAndPriority((byte)((request.InvokeIdAndPriority.InvokeId + 5) & 0x0F), true, true);
        await peer.ReplyAsync(new GetResponseNormal(wrong, new GetDataResult(new CosemData.Unsigned(1))));
        await peer.ReplyAsync(new GetResponseNormal(request.InvokeIdAndPriority, new GetDataResult(new CosemData.Unsigned(2))));
        Assert.Equal(new CosemData.Unsigned(2), (await get.WaitAsync(TestTimeout)).Data);
        Assert.Equal(1, client.StaleResponses);
    }

    [Fact]
    public async Task Get_TruncatedReply_IsRejectedAndTheRequestTimesOut()
    {
        var clock = new FakeTimeProvider();
        await using var peer = ScriptedPeer.Create();
        await using var client = await AssociatedAsync(peer, new DlmsClientOptions { Clock = clock, RequestTimeout = TimeSpan.FromSeconds(5) });
        var get = client.GetAsync(ClockTime);
        var request = Assert.IsType<GetRequestNormal>(await peer.ExpectAsync());
        var full = new GetResponseNormal(request.InvokeIdAndPriority, new GetDataResult(new CosemData.LongUnsigned(7))).ToArray();
        await peer.ReplyAsync(full[..^1]);
        for (var i = 0; i < 300 && !get.IsCompleted; i++)
        {
            await Task.Delay(10);
            clock.Advance(TimeSpan.FromSeconds(1));
        }

        var e = await Assert.ThrowsAsync<DlmsLinkException>(() => get.WaitAsync(TestTimeout));
        Assert.Contains("No response", e.Message, StringComparison.Ordinal);
        Assert.Equal(1, client.RejectedApdus);
    }

    [Fact]
    public async Task Get_SilentServer_TimesOutAndTheNextRequestStillWorks()
    {
        var clock = new FakeTimeProvider();
        await using var peer = ScriptedPeer.Create();
        await using var client = await AssociatedAsync(peer, new DlmsClientOptions { Clock = clock, RequestTimeout = TimeSpan.FromSeconds(5) });
        var get = client.GetAsync(ClockTime);
        var first = Assert.IsType<GetRequestNormal>(await peer.ExpectAsync());
        for (var i = 0; i < 300 && !get.IsCompleted; i++)
        {
            await Task.Delay(10);
            clock.Advance(TimeSpan.FromSeconds(1));
        }

        await Assert.ThrowsAsync<DlmsLinkException>(() => get.WaitAsync(TestTimeout));

        // The late answer to the first request is stale; the second request gets its own answer.
        var second = client.GetAsync(ClockTime);
        var request = Assert.IsType<GetRequestNormal>(await peer.ExpectAsync());
        Assert.NotEqual(first.InvokeIdAndPriority.InvokeId, request.InvokeIdAndPriority.InvokeId);
        await peer.ReplyAsync(new GetResponseNormal(first.InvokeIdAndPriority, new GetDataResult(new CosemData.Unsigned(1))));
        await peer.ReplyAsync(new GetResponseNormal(request.InvokeIdAndPriority, new GetDataResult(new CosemData.Unsigned(2))));
        Assert.Equal(new CosemData.Unsigned(2), (await second.WaitAsync(TestTimeout)).Data);
        Assert.Equal(1, client.StaleResponses);
    }

    [Fact]
    public async Task Get_LinkLostWhileWaiting_FailsWithLinkException()
    {
        await using var peer = ScriptedPeer.Create();
        await using var client = await AssociatedAsync(peer);
        var get = client.GetAsync(ClockTime);
        await peer.ExpectAsync();
        await peer.Server.DisposeAsync();
        await Assert.ThrowsAsync<DlmsLinkException>(() => get.WaitAsync(TestTimeout));
        await Assert.ThrowsAsync<DlmsLinkException>(() => client.GetAsync(ClockTime).WaitAsync(TestTimeout));
        Assert.Equal(AssociationState.Aborted, client.Association.State);
    }

    [Fact]
    public async Task Get_ExceptionResponse_ThrowsProtocolExceptionNamingIt()
    {
        await using var peer = ScriptedPeer.Create();
        await using var client = await AssociatedAsync(peer);
        var get = client.GetAsync(ClockTime);
        await peer.ExpectAsync();
        await peer.ReplyAsync(new ExceptionResponse(StateError.ServiceNotAllowed, Meterline.Dlms.Apdus.ServiceError.ServiceNotSupported));
        var e = await Assert.ThrowsAsync<DlmsProtocolException>(() => get.WaitAsync(TestTimeout));
        Assert.Contains("ExceptionResponse", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Set_ValueLargerThanServerPdu_IsSentInDatablocks()
    {
        await using var peer = ScriptedPeer.Create();
        await using var client = await AssociatedAsync(peer);
        var value = new CosemData.OctetString(Enumerable.Range(0, 3000).Select(i => (byte)i).ToArray());
        var set = client.SetAsync(new CosemAttributeDescriptor(1, new ObisCode(0, 0, 96, 1, 0, 255), 2), value);
        var received = new List<byte>();
        var first = Assert.IsType<SetRequestWithFirstDatablock>(await peer.ExpectAsync());
        received.AddRange(first.DataBlock.RawData.ToArray());
        var invoke = first.InvokeIdAndPriority;
        var last = first.DataBlock.LastBlock;
        var number = first.DataBlock.BlockNumber;
        while (!last)
        {
            await peer.ReplyAsync(new SetResponseDatablock(invoke, number));
            var next = Assert.IsType<SetRequestWithDatablock>(await peer.ExpectAsync());
            Assert.Equal(number + 1, next.DataBlock.BlockNumber);
            Assert.InRange(next.ToArray().Length, 1, 0x0400);
            received.AddRange(next.DataBlock.RawData.ToArray());
            last = next.DataBlock.LastBlock;
            number = next.DataBlock.BlockNumber;
        }

        await peer.ReplyAsync(new SetResponseLastDatablock(invoke, DataAccessResult.Success, number));
        Assert.Equal(DataAccessResult.Success, await set.WaitAsync(TestTimeout));
        Assert.Equal(value, CosemDataCodec.Decode(received.ToArray()));
        Assert.True(number >= 3);
    }

    [Fact]
    public async Task Action_Disconnect_ReturnsTheResult()
    {
        await using var peer = ScriptedPeer.Create();
        await using var client = await AssociatedAsync(peer);
        var disconnect = new CosemMethodDescriptor(70, new ObisCode(0, 0, 96, 3, 10, 255), 1);
        var action = client.ActionAsync(disconnect, new CosemData.Integer(0));
        var request = Assert.IsType<ActionRequestNormal>(await peer.ExpectAsync());
        Assert.Equal(disconnect, request.CosemMethodDescriptor);
        await peer.ReplyAsync(new ActionResponseNormal(request.InvokeIdAndPriority, new ActionResponseWithOptionalData(ActionResult.ReadWriteDenied)));
        Assert.Equal(ActionResult.ReadWriteDenied, (await action.WaitAsync(TestTimeout)).Result);
    }

    [Fact]
    public async Task Notification_UnsolicitedDataNotification_ArrivesOnTheChannel()
    {
        await using var peer = ScriptedPeer.Create();
        await using var client = await AssociatedAsync(peer);
        var push = new DataNotification(new LongInvokeIdAndPriority(7, false, false), null, new CosemData.DoubleLongUnsigned(12345));
        await peer.ReplyAsync(push);
        var received = await client.Notifications.ReadAsync().AsTask().WaitAsync(TestTimeout);
        Assert.Equal(push, received.Apdu);
    }

    [Fact]
    public async Task Release_RlrqAnsweredWithRlre_IsReleased()
    {
        await using var peer = ScriptedPeer.Create();
        await using var client = await AssociatedAsync(peer);
        var release = client.ReleaseAsync();
        Assert.IsType<Rlrq>(await peer.ExpectAsync());
        await peer.ReplyAsync(new Rlre { Reason = ReleaseResponseReason.Normal });
        await release.WaitAsync(TestTimeout);
        Assert.Equal(AssociationState.Released, client.Association.State);
    }

    private static async Task<DlmsClient> AssociatedAsync(ScriptedPeer peer, DlmsClientOptions? options = null)
    {
        var client = DlmsClient.Create(peer.ClientLink, new ClientAssociation(new ClientAssociationSettings()), options);
        var associate = client.AssociateAsync();
        Assert.IsType<Aarq>(await peer.ExpectAsync());
        await peer.ReplyAsync(ScriptedPeer.PublishedAare);
        Assert.True((await associate.WaitAsync(TestTimeout)).IsAssociated);
        return client;
    }
}
