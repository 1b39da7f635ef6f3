using Meterline.HeadEnd.Access;
using Meterline.Storage.Tests.Support;

namespace Meterline.Storage.Tests.Ports;

/// <summary>The shared session key ring: elements stored once and read back oldest first; the key-creation lock lets one holder in at a time. Run against each engine.</summary>
public abstract class SessionKeyStoreTests : StorageTestBase
{
    /// <summary>Whether a second handle on the database (another node) is held off by the lock too (PostgreSQL; SQLite has one node).</summary>
    protected abstract bool LockSpansHandles { get; }

    [Fact]
    public async Task Elements_AddList_RoundTripOldestFirstNamesUnique()
    {
        var first = new SessionKeyElement("key-1", "<key id=\"1\"><encrypted>AAAA</encrypted></key>", T0);
        var second = new SessionKeyElement("key-2", "<key id=\"2\" />", T0.AddDays(88));

        Assert.Empty(await Storage.SessionKeys.ListAsync(Token));
        Assert.True(await Storage.SessionKeys.AddAsync(first, Token));
        Assert.True(await Storage.SessionKeys.AddAsync(second, Token));
        Assert.False(await Storage.SessionKeys.AddAsync(first with { Xml = "<other />" }, Token));

        Assert.Equal([first, second], await Storage.SessionKeys.ListAsync(Token));
        await using var other = await OpenAnotherAsync();
        Assert.Equal([first, second], await other.SessionKeys.ListAsync(Token));
    }

    [Fact]
    public async Task Exclusive_ManyHoldersAtOnce_OneInsideAtATime()
    {
        await using var other = await OpenAnotherAsync();
        var handles = LockSpansHandles ? new[] { Storage, other } : [Storage];
        var inside = 0;
        var most = 0;
        var runs = Enumerable.Range(0, 16).Select(i => Task.Run(() => handles[i % handles.Length].SessionKeys.ExclusiveAsync(
            async cancellationToken =>
            {
                var now = Interlocked.Increment(ref inside);
                InterlockedMax(ref most, now);

                // A round trip to the database while holding the lock, as key creation does.
                var count = (await handles[i % handles.Length].SessionKeys.ListAsync(cancellationToken)).Count;
                await handles[i % handles.Length].SessionKeys.AddAsync(new SessionKeyElement("key-" + i, "<key />", T0), cancellationToken);
                Interlocked.Decrement(ref inside);
                return count;
            },
            Token)));

        var counts = await Task.WhenAll(runs).WaitAsync(TestTimeout);

        Assert.Equal(1, most);
        Assert.Equal(Enumerable.Range(0, 16), counts.Order());
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var seen = Volatile.Read(ref target);
        while (value > seen)
        {
            var before = Interlocked.CompareExchange(ref target, value, seen);
            if (before == seen)
            {
                return;
            }

            seen = before;
        }
    }
}
