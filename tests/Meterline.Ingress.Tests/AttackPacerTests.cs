using Meterline.Simulator.Attacks;
using Microsoft.Extensions.Time.Testing;

namespace Meterline.Ingress.Tests;

/// <summary>The attack's pacer: frames due follow the clock at the rate, a late loop catches up in bounded batches.</summary>
public sealed class AttackPacerTests
{
    [Fact]
    public async Task WaitAsync_OverOneSecondAtTwoHundred_LetsExactlyTwoHundredFramesOut()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var pacer = new AttackPacer(200, clock);
        long sent = 0;

        for (var step = 0; step < 100; step++)
        {
            clock.Advance(TimeSpan.FromMilliseconds(10));
            sent += await pacer.WaitAsync(CancellationToken.None);
        }

        Assert.Equal(200, sent);
    }

    [Fact]
    public async Task WaitAsync_NothingDue_WaitsForTheClock()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var pacer = new AttackPacer(10, clock);

        var wait = pacer.WaitAsync(CancellationToken.None).AsTask();
        clock.Advance(TimeSpan.FromMilliseconds(50));
        Assert.False(wait.IsCompleted);
        clock.Advance(TimeSpan.FromMilliseconds(60));

        Assert.Equal(1, await wait.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task WaitAsync_LoopLateByTenSeconds_CatchesUpInBatchesOfAtMostMaxBatch()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var pacer = new AttackPacer(1_000, clock);
        clock.Advance(TimeSpan.FromSeconds(10));

        var batches = new List<int>();
        long sent = 0;
        while (sent < 10_000)
        {
            var due = await pacer.WaitAsync(CancellationToken.None);
            batches.Add(due);
            sent += due;
        }

        Assert.Equal(10_000, sent);
        Assert.All(batches, b => Assert.InRange(b, 1, AttackPacer.MaxBatch));
        Assert.Equal(40, batches.Count);
    }

    [Fact]
    public async Task WaitAsync_RateZero_IsUnpacedFullBatches()
    {
        var pacer = new AttackPacer(0, new FakeTimeProvider());

        Assert.Equal(AttackPacer.MaxBatch, await pacer.WaitAsync(CancellationToken.None));
        Assert.Equal(AttackPacer.MaxBatch, await pacer.WaitAsync(CancellationToken.None));
    }
}
