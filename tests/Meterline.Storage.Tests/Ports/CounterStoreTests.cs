using Meterline.HeadEnd.Meters;
using Meterline.Storage.Tests.Support;

namespace Meterline.Storage.Tests.Ports;

/// <summary>Outgoing invocation counter reservations, run against each engine.</summary>
public abstract class CounterStoreTests : StorageTestBase
{
    [Fact]
    public async Task ReserveAsync_FirstAndFollowingBlocks_StartAtOneAndFollowEachOther()
    {
        var meter = await AddMeterAsync(1);

        Assert.Equal(1u, await Storage.Counters.ReserveAsync(meter.Id, 1, 100, Token));
        Assert.Equal(101u, await Storage.Counters.ReserveAsync(meter.Id, 1, 50, Token));
        Assert.Equal(1u, await Storage.Counters.ReserveAsync(meter.Id, 2, 10, Token));

        var marks = await Storage.Counters.GetHighWaterMarksAsync(Token);
        Assert.Equal(2, marks.Count);
        Assert.Equal(151u, marks[(meter.Id, 1)]);
        Assert.Equal(11u, marks[(meter.Id, 2)]);
    }

    [Fact]
    public async Task ReserveAsync_ConcurrentTasksOnTwoHandles_GetDisjointBlocks()
    {
        var meter = await AddMeterAsync(1);
        await using var otherNode = await OpenAnotherAsync();
        const uint block = 100;

        var firsts = await Task.WhenAll(Enumerable.Range(0, 8).Select(t => Task.Run(async () =>
        {
            var mine = new List<uint>();
            for (var i = 0; i < 15; i++)
            {
                mine.Add(await (t % 2 == 0 ? Storage : otherNode).Counters.ReserveAsync(meter.Id, 1, block, Token));
            }

            return mine;
        })));

        var all = firsts.SelectMany(f => f).Order().ToList();
        Assert.Equal(120, all.Count);
        Assert.Equal(Enumerable.Range(0, 120).Select(i => 1u + ((uint)i * block)), all);
        Assert.Equal(1u + (120 * block), (await Storage.Counters.GetHighWaterMarksAsync(Token))[(meter.Id, 1)]);
    }

    [Fact]
    public async Task ReserveAsync_BlockPassingUIntMax_ThrowsAndReservesNothing()
    {
        var meter = await AddMeterAsync(1);

        Assert.Equal(1u, await Storage.Counters.ReserveAsync(meter.Id, 1, uint.MaxValue - 2, Token));
        Assert.Equal(uint.MaxValue - 1, await Storage.Counters.ReserveAsync(meter.Id, 1, 1, Token));
        await Assert.ThrowsAsync<InvalidOperationException>(() => Storage.Counters.ReserveAsync(meter.Id, 1, 1, Token));
        await Assert.ThrowsAsync<InvalidOperationException>(() => Storage.Counters.ReserveAsync(meter.Id, 2, uint.MaxValue, Token));

        var marks = await Storage.Counters.GetHighWaterMarksAsync(Token);
        Assert.Equal(uint.MaxValue, marks[(meter.Id, 1)]);
        Assert.False(marks.ContainsKey((meter.Id, 2)));
    }

    [Fact]
    public async Task ReserveAsync_BadArguments_AreRefused()
    {
        var meter = await AddMeterAsync(1);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Storage.Counters.ReserveAsync(meter.Id, 1, 0, Token));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => Storage.Counters.ReserveAsync(new MeterId(42), 1, 10, Token));

        Assert.Empty(await Storage.Counters.GetHighWaterMarksAsync(Token));
    }
}
