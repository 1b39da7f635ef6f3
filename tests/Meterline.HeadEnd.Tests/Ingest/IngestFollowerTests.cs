using Meterline.HeadEnd.Ingest;

namespace Meterline.HeadEnd.Tests.Ingest;

public sealed class IngestFollowerTests
{
    private sealed class Calls
    {
        public List<double> Noted { get; } = [];

        public int Rounds;

        public int FullPasses;
    }

    private static Task Run(IngestFollower follower, Calls calls, CancellationToken token, int rememberAtMost = int.MaxValue) =>
        follower.RunAsync(
            r =>
            {
                lock (calls)
                {
                    calls.Noted.Add(((IngestedReading)r).Reading.Value);
                    return calls.Noted.Count <= rememberAtMost;
                }
            },
            _ =>
            {
                Interlocked.Increment(ref calls.Rounds);
                return Task.CompletedTask;
            },
            _ =>
            {
                Interlocked.Increment(ref calls.FullPasses);
                return Task.CompletedTask;
            },
            token);

    [Fact]
    public async Task RunAsync_Records_NotedThenRoundNoFullPass()
    {
        await using var h = await new PipelineHarness().StartAsync();
        using var follower = new IngestFollower(h.Pipeline, 100, time: h.Time);
        using var stop = new CancellationTokenSource();
        var calls = new Calls();
        var running = Run(follower, calls, stop.Token);

        await h.SubmitAsync(1);
        await h.SubmitAsync(2);
        await TestMeterSetup.UntilAsync(() => Volatile.Read(ref calls.Rounds) >= 1 && calls.Noted.Count == 2, h.Time);

        await stop.CancelAsync();
        await running.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal([1.0, 2.0], calls.Noted);
        Assert.Equal(0, calls.FullPasses);
    }

    [Fact]
    public async Task RunAsync_FeedDroppedRecords_FullPassInsteadOfRound()
    {
        await using var h = await new PipelineHarness(new IngestPipelineOptions { SubscriberCapacity = 2 }).StartAsync(run: false);
        using var follower = new IngestFollower(h.Pipeline, 100, time: h.Time);
        for (uint i = 1; i <= 5; i++)
        {
            await h.SubmitAsync(i);
        }

        h.Run();
        await h.UntilStoredAsync(5);
        await TestMeterSetup.UntilAsync(() => follower.Dropped == 3, h.Time);
        using var stop = new CancellationTokenSource();
        var calls = new Calls();
        var running = Run(follower, calls, stop.Token);

        await TestMeterSetup.UntilAsync(() => Volatile.Read(ref calls.FullPasses) == 1, h.Time);

        await stop.CancelAsync();
        await running.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(0, calls.Rounds);
    }

    [Fact]
    public async Task RunAsync_TooMuchToRemember_FullPass()
    {
        await using var h = await new PipelineHarness().StartAsync(run: false);
        using var follower = new IngestFollower(h.Pipeline, 100, time: h.Time);
        for (uint i = 1; i <= 3; i++)
        {
            await h.SubmitAsync(i);
        }

        h.Run();
        await h.UntilStoredAsync(3);
        using var stop = new CancellationTokenSource();
        var calls = new Calls();
        var running = Run(follower, calls, stop.Token, rememberAtMost: 2);

        await TestMeterSetup.UntilAsync(() => Volatile.Read(ref calls.FullPasses) == 1, h.Time);

        await stop.CancelAsync();
        await running.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(0, calls.Rounds);
    }

    [Fact]
    public async Task RunAsync_FullPassAtStartAndPeriod_RunsOnTheClock()
    {
        await using var h = await new PipelineHarness().StartAsync();
        using var follower = new IngestFollower(h.Pipeline, 100, TimeSpan.FromMinutes(10), fullPassAtStart: true, h.Time);
        using var stop = new CancellationTokenSource();
        var calls = new Calls();
        var running = Run(follower, calls, stop.Token);
        await TestMeterSetup.UntilAsync(() => Volatile.Read(ref calls.FullPasses) == 1);

        await TestMeterSetup.UntilAsync(() => Volatile.Read(ref calls.FullPasses) >= 2, h.Time, TimeSpan.FromMinutes(1));

        await stop.CancelAsync();
        await running.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(0, calls.Rounds);
    }
}
