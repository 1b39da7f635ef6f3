using System.Net;
using Meterline.Coap.Endpoints;
using Microsoft.Extensions.Time.Testing;

namespace Meterline.Coap.Tests.Endpoints;

public sealed class MessageDeduplicatorTests
{
    private static readonly IPEndPoint Peer = new(IPAddress.Loopback, 5683);

    [Fact]
    public void Register_DuplicateWithinLifetime_ReturnsStoredReply()
    {
        var time = new FakeTimeProvider();
        var dedup = new MessageDeduplicator(10, TimeSpan.FromSeconds(247), TimeSpan.FromSeconds(145), time);

        Assert.Equal(DeduplicationResult.New, dedup.Register(Peer, 1, confirmable: true, out _));
        Assert.Equal(DeduplicationResult.Duplicate, dedup.Register(Peer, 1, confirmable: true, out var pending));
        dedup.SetReply(Peer, 1, [0x60, 0x44, 0, 1]);
        time.Advance(TimeSpan.FromSeconds(246));
        Assert.Equal(DeduplicationResult.Duplicate, dedup.Register(Peer, 1, confirmable: true, out var reply));

        Assert.Null(pending);
        Assert.Equal([0x60, 0x44, 0, 1], reply);
        Assert.Equal(DeduplicationResult.New, dedup.Register(new IPEndPoint(IPAddress.Loopback, 5684), 1, confirmable: true, out _));
    }

    [Fact]
    public void Register_AfterLifetimes_NewAgain()
    {
        var time = new FakeTimeProvider();
        var dedup = new MessageDeduplicator(10, TimeSpan.FromSeconds(247), TimeSpan.FromSeconds(145), time);
        dedup.Register(Peer, 1, confirmable: true, out _);
        dedup.Register(Peer, 2, confirmable: false, out _);

        time.Advance(TimeSpan.FromSeconds(146));
        Assert.Equal(DeduplicationResult.New, dedup.Register(Peer, 2, confirmable: false, out _));
        Assert.Equal(DeduplicationResult.Duplicate, dedup.Register(Peer, 1, confirmable: true, out _));
        time.Advance(TimeSpan.FromSeconds(102));
        Assert.Equal(DeduplicationResult.New, dedup.Register(Peer, 1, confirmable: true, out _));
    }

    [Fact]
    public void Register_FullOfAnsweredIds_ForgetsTheOldest()
    {
        var time = new FakeTimeProvider();
        var dedup = new MessageDeduplicator(2, TimeSpan.FromSeconds(247), TimeSpan.FromSeconds(145), time);
        dedup.Register(Peer, 1, confirmable: true, out _);
        dedup.SetReply(Peer, 1, [1]);
        dedup.Register(Peer, 2, confirmable: true, out _);
        dedup.SetReply(Peer, 2, [2]);

        Assert.Equal(DeduplicationResult.New, dedup.Register(Peer, 3, confirmable: true, out _));
        Assert.Equal(DeduplicationResult.Duplicate, dedup.Register(Peer, 2, confirmable: true, out _));
        Assert.Equal(1, dedup.Evicted);
        Assert.Equal(DeduplicationResult.New, dedup.Register(Peer, 1, confirmable: true, out _));
    }

    [Fact]
    public void Register_FullOfUnansweredIds_RefusesUntilEntriesExpire()
    {
        var time = new FakeTimeProvider();
        var dedup = new MessageDeduplicator(3, TimeSpan.FromSeconds(247), TimeSpan.FromSeconds(145), time);
        for (ushort id = 0; id < 3; id++)
        {
            dedup.Register(Peer, id, confirmable: true, out _);
        }

        Assert.Equal(DeduplicationResult.Full, dedup.Register(Peer, 99, confirmable: true, out _));
        time.Advance(TimeSpan.FromSeconds(248));
        Assert.Equal(DeduplicationResult.New, dedup.Register(Peer, 99, confirmable: true, out _));
        Assert.Equal(1, dedup.Count);
    }
}
