using System.Collections.Concurrent;
using Meterline.HeadEnd.Audit;
using Meterline.HeadEnd.Counters;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Meterline.HeadEnd.Tests.Counters;

public sealed class OutgoingCounterAllocatorTests
{
    private static readonly MeterId Meter = new(7);
    private readonly InMemoryCounterStore _store = new();
    private readonly InMemoryAuditStore _auditStore = new();

    private async Task<OutgoingCounterAllocator> Create(OutgoingCounterOptions? options = null)
    {
        var audit = await AuditLog.OpenAsync(_auditStore, new FakeTimeProvider());
        return new OutgoingCounterAllocator(_store, audit, options);
    }

    [Fact]
    public async Task NextAsync_ManyValues_AreConsecutiveFromOneWithOneReservationPerBlock()
    {
        var allocator = await Create(new OutgoingCounterOptions { BlockSize = 10 });

        var values = new List<uint>();
        for (var i = 0; i < 25; i++)
        {
            values.Add(await allocator.NextAsync(Meter, 1));
        }

        Assert.Equal(Enumerable.Range(1, 25).Select(i => (uint)i), values);
        Assert.Equal(3, _store.Reservations);
    }

    [Fact]
    public async Task NextAsync_AfterRestart_SkipsRestOfBlockAndNeverReuses()
    {
        var before = await Create(new OutgoingCounterOptions { BlockSize = 100 });
        var used = new List<uint> { await before.NextAsync(Meter, 1), await before.NextAsync(Meter, 1) };

        var after = await Create(new OutgoingCounterOptions { BlockSize = 100 });
        var next = await after.NextAsync(Meter, 1);

        Assert.Equal([1u, 2u], used);
        Assert.Equal(101u, next);
    }

    [Fact]
    public async Task NextAsync_GenerationsAndMeters_HaveTheirOwnCounters()
    {
        var allocator = await Create();

        Assert.Equal(1u, await allocator.NextAsync(Meter, 1));
        Assert.Equal(1u, await allocator.NextAsync(Meter, 2));
        Assert.Equal(1u, await allocator.NextAsync(new MeterId(8), 1));
        Assert.Equal(2u, await allocator.NextAsync(Meter, 1));
    }

    [Fact]
    public async Task NextAsync_ConcurrentCallers_GetDistinctValues()
    {
        var allocator = await Create(new OutgoingCounterOptions { BlockSize = 7 });
        var values = new ConcurrentBag<uint>();

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < 500; i++)
            {
                values.Add(await allocator.NextAsync(Meter, 1));
            }
        })));

        Assert.Equal(4000, values.Distinct().Count());
        var marks = await _store.GetHighWaterMarksAsync();
        Assert.True(values.Max() < marks[(Meter, 1)]);
    }

    [Fact]
    public async Task NextAsync_MoreMetersThanCache_StaysBoundedAndUnique()
    {
        var allocator = await Create(new OutgoingCounterOptions { BlockSize = 5, MaxCachedBlocks = 16 });
        var seen = new HashSet<(int, uint)>();

        for (var round = 0; round < 3; round++)
        {
            for (var m = 1; m <= 40; m++)
            {
                Assert.True(seen.Add((m, await allocator.NextAsync(new MeterId(m), 1))));
            }
        }

        Assert.Equal(16, allocator.CachedBlocks);
    }

    [Fact]
    public async Task ReserveBlockAsync_Session_GetsDisjointDurableBlock()
    {
        var allocator = await Create(new OutgoingCounterOptions { BlockSize = 10 });
        var single = await allocator.NextAsync(Meter, 1);

        var block = await allocator.ReserveBlockAsync(Meter, 1, 64);

        Assert.Equal(new CounterBlock(11, 64), block);
        Assert.False(block.Contains(single));
        Assert.Equal(75ul, block.End);
        Assert.Equal(75u, (await _store.GetHighWaterMarksAsync())[(Meter, 1)]);
        Assert.Equal(2u, await allocator.NextAsync(Meter, 1));
    }

    [Fact]
    public async Task NextAsync_Exhausted_ThrowsCounterExhausted()
    {
        var allocator = await Create(new OutgoingCounterOptions { BlockSize = 100 });
        _store.SetHighWaterMark(Meter, 1, uint.MaxValue - 50);

        var e = await Assert.ThrowsAsync<CounterExhaustedException>(() => allocator.NextAsync(Meter, 1));

        Assert.Equal("The outgoing invocation counter of meter 7, generation 1 has no block of 100 values left: rotate its keys.", e.Message);
    }

    [Fact]
    public async Task NextAsync_MarkPassesThreshold_AuditsAndRaisesOncePerMeterAndGeneration()
    {
        var allocator = await Create(new OutgoingCounterOptions { BlockSize = 100 });
        var raised = new List<CounterNearExhaustionEventArgs>();
        allocator.NearExhaustion += (_, e) => raised.Add(e);
        _store.SetHighWaterMark(Meter, 1, OutgoingCounterOptions.DefaultAlarmThreshold - 150);
        _store.SetHighWaterMark(Meter, 2, OutgoingCounterOptions.DefaultAlarmThreshold - 150);

        for (var i = 0; i < 350; i++)
        {
            await allocator.NextAsync(Meter, 1);
        }

        Assert.Single(raised);
        Assert.Equal((Meter, 1, OutgoingCounterOptions.DefaultAlarmThreshold + 50), (raised[0].Meter, raised[0].Generation, raised[0].HighWaterMark));
        var entries = await _auditStore.GetRecentAsync("7", 10);
        var entry = Assert.Single(entries);
        Assert.Equal("counter.near-exhaustion", entry.Action);
        Assert.Equal("system", entry.Actor);
        Assert.Equal("{\"meter\":7,\"generation\":1,\"highWaterMark\":4278190130,\"threshold\":4278190080,\"remaining\":16777165}", entry.Detail);

        await allocator.ReserveBlockAsync(Meter, 2, 200);
        Assert.Equal(2, raised.Count);
        Assert.Equal(2, raised[1].Generation);
    }

    [Fact]
    public async Task NextAsync_BelowThreshold_RaisesNothing()
    {
        var allocator = await Create(new OutgoingCounterOptions { BlockSize = 100, AlarmThreshold = 1000 });
        var raised = 0;
        allocator.NearExhaustion += (_, _) => raised++;

        for (var i = 0; i < 899; i++)
        {
            await allocator.NextAsync(Meter, 1);
        }

        Assert.Equal(0, raised);
        Assert.Null(await _auditStore.GetLastAsync());
        await allocator.NextAsync(Meter, 1);
        await allocator.NextAsync(Meter, 1);
        Assert.Equal(1, raised);
    }

    [Fact]
    public async Task NextAsync_AlarmAuditFails_IsRaisedBeforeTheNextValue()
    {
        var failing = new FailOnceAuditLog();
        var allocator = new OutgoingCounterAllocator(_store, failing, new OutgoingCounterOptions { BlockSize = 10, AlarmThreshold = 5 });
        var raised = 0;
        allocator.NearExhaustion += (_, _) => raised++;

        await Assert.ThrowsAsync<IOException>(() => allocator.NextAsync(Meter, 1));
        Assert.Equal(0, raised);

        var value = await allocator.NextAsync(Meter, 1);

        Assert.Equal(1, raised);
        Assert.Equal(2, failing.Calls);
        Assert.Equal(11u, value);
    }

    [Fact]
    public async Task FindNearExhaustionAsync_ListsPairsAtOrAboveThreshold()
    {
        var allocator = await Create(new OutgoingCounterOptions { AlarmThreshold = 1000 });
        _store.SetHighWaterMark(new MeterId(3), 1, 999);
        _store.SetHighWaterMark(new MeterId(2), 4, 1000);
        _store.SetHighWaterMark(new MeterId(1), 1, 5000);

        var found = await allocator.FindNearExhaustionAsync();

        Assert.Equal([(new MeterId(1), 1), (new MeterId(2), 4)], found.Select(f => (f.Meter, f.Generation)));
        Assert.Null(await _auditStore.GetLastAsync());
    }

    [Fact]
    public async Task Constructor_BadOptions_AreRefused()
    {
        var audit = await AuditLog.OpenAsync(_auditStore, new FakeTimeProvider());

        Assert.Throws<ArgumentOutOfRangeException>(() => new OutgoingCounterAllocator(_store, audit, new OutgoingCounterOptions { BlockSize = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new OutgoingCounterAllocator(_store, audit, new OutgoingCounterOptions { AlarmThreshold = 1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new OutgoingCounterAllocator(_store, audit, new OutgoingCounterOptions { MaxCachedBlocks = 2 }));
    }

    private sealed class FailOnceAuditLog : IAuditLog
    {
        public int Calls { get; private set; }

        public Task<AuditRecord> AppendAsync(string actor, string action, string subject, string detail, CancellationToken cancellationToken = default)
        {
            Calls++;
            return Calls == 1
                ? throw new IOException("audit store unavailable")
                : Task.FromResult(AuditChain.Next(null, DateTimeOffset.UnixEpoch, actor, action, subject, detail));
        }
    }
}
