using Meterline.HeadEnd.Ingest;
using Meterline.HeadEnd.Meters;

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

    /// <summary>What a lost-meter-aware caller saw: the meters of noted records, the lost meters, rounds and full passes.</summary>
    private sealed class MeterCalls
    {
        public HashSet<MeterId> Noted { get; } = [];

        public Dictionary<MeterId, LostMeter> Lost { get; } = [];

        public HashSet<MeterId> ActedOn { get; } = [];

        public int Rounds;

        public int FullPasses;
    }

    private static Task RunWithLost(IngestFollower follower, MeterCalls calls, CancellationToken token) =>
        follower.RunAsync(
            r =>
            {
                lock (calls)
                {
                    calls.Noted.Add(r.Meter);
                }

                return true;
            },
            lost =>
            {
                lock (calls)
                {
                    Assert.True(calls.Lost.TryAdd(lost.Meter, lost), $"meter {lost.Meter} handed over twice in one round");
                }

                return true;
            },
            _ =>
            {
                lock (calls)
                {
                    calls.ActedOn.UnionWith(calls.Noted);
                    calls.ActedOn.UnionWith(calls.Lost.Keys);
                    calls.Rounds++;
                }

                return Task.CompletedTask;
            },
            _ =>
            {
                Interlocked.Increment(ref calls.FullPasses);
                return Task.CompletedTask;
            },
            token);

    /// <summary>Registers meters 2..<paramref name="count"/> beside the harness's meter 1 (before it starts), and returns all of them.</summary>
    private static async Task<List<Meter>> AddMetersAsync(PipelineHarness h, int count)
    {
        var meters = new List<Meter>();
        for (var n = 2; n <= count; n++)
        {
            meters.Add(await TestMeterSetup.AddAsync(h.Repository, n));
        }

        return meters;
    }

    /// <summary>Submits <paramref name="pushes"/> usage pushes (one reading each) per meter, meter by meter.</summary>
    private static async Task SubmitBurstAsync(PipelineHarness h, IEnumerable<Meter> meters, uint pushes)
    {
        foreach (var meter in meters)
        {
            for (uint c = 1; c <= pushes; c++)
            {
                Assert.Equal(FrameAdmissionStatus.Queued, (await h.Pipeline.SubmitAsync(TestFrames.Create(meter.SystemTitle, c, PushKind.Usage))).Status);
            }
        }
    }

    [Fact]
    public async Task RunAsync_BurstLargerThanFeed_RoundOverLostMetersNoFullPass()
    {
        await using var h = new PipelineHarness(new IngestPipelineOptions { SubscriberCapacity = 5, SubscriberLostMeters = 50 });
        var others = await AddMetersAsync(h, 20);
        await h.StartAsync(run: false);
        List<Meter> meters = [h.Meter, .. others];
        using var follower = new IngestFollower(h.Pipeline, 100, time: h.Time);
        await SubmitBurstAsync(h, meters, 3);

        h.Run();
        await h.UntilStoredAsync(60);
        await TestMeterSetup.UntilAsync(() => follower.Dropped == 55, h.Time);
        using var stop = new CancellationTokenSource();
        var calls = new MeterCalls();
        var running = RunWithLost(follower, calls, stop.Token);

        await TestMeterSetup.UntilAsync(() => Volatile.Read(ref calls.Rounds) >= 1, h.Time);

        await stop.CancelAsync();
        await running.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(0, calls.FullPasses);
        Assert.Equal(1, calls.Rounds);

        // Nothing missed: every meter of the burst is acted on, through its records or as a lost meter.
        Assert.Equal(meters.Select(m => m.Id).ToHashSet(), calls.ActedOn);

        // The feed kept the newest 5 records (the last two meters'); the 55 lost ones touched the first 19 meters.
        Assert.Equal(meters.Take(19).Select(m => m.Id).ToHashSet(), calls.Lost.Keys.ToHashSet());
        foreach (var lost in calls.Lost.Values.Where(l => l.Meter != meters[18].Id))
        {
            Assert.Equal(TestMeterSetup.Start.AddMinutes(15), lost.First);
            Assert.Equal(TestMeterSetup.Start.AddMinutes(45), lost.Last);
        }

        // Meter 19 lost its first push only (its other two are in the feed).
        Assert.Equal(new LostMeter(meters[18].Id, TestMeterSetup.Start.AddMinutes(15), TestMeterSetup.Start.AddMinutes(15)), calls.Lost[meters[18].Id]);
        Assert.Equal(1, follower.Metrics.LostMeterRounds);
        Assert.Equal(19, follower.Metrics.LostMeters);
        Assert.Equal(0, follower.Metrics.FullPasses);
        Assert.Equal(1, follower.Metrics.Rounds);
    }

    [Fact]
    public async Task RunAsync_LostMetersOverflowTheFeed_FullPass()
    {
        await using var h = new PipelineHarness(new IngestPipelineOptions { SubscriberCapacity = 5, SubscriberLostMeters = 10 });
        var others = await AddMetersAsync(h, 20);
        await h.StartAsync(run: false);
        using var follower = new IngestFollower(h.Pipeline, 100, time: h.Time);
        await SubmitBurstAsync(h, [h.Meter, .. others], 3);

        h.Run();
        await h.UntilStoredAsync(60);
        await TestMeterSetup.UntilAsync(() => follower.Dropped == 55, h.Time);
        using var stop = new CancellationTokenSource();
        var calls = new MeterCalls();
        var running = RunWithLost(follower, calls, stop.Token);

        await TestMeterSetup.UntilAsync(() => Volatile.Read(ref calls.FullPasses) == 1, h.Time);

        await stop.CancelAsync();
        await running.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(0, calls.Rounds);
        Assert.Empty(calls.Lost);
        Assert.Equal(1, follower.Metrics.FullPassesAfterLoss);
        Assert.Equal(0, follower.Metrics.LostMeterRounds);
    }

    [Fact]
    public async Task RunAsync_LossesInLaterRounds_EachRoundNamesOnlyItsOwnLosses()
    {
        await using var h = new PipelineHarness(new IngestPipelineOptions { SubscriberCapacity = 2, SubscriberLostMeters = 10 });
        var others = await AddMetersAsync(h, 4);
        await h.StartAsync(run: false);
        using var follower = new IngestFollower(h.Pipeline, 100, time: h.Time);
        await SubmitBurstAsync(h, [h.Meter, others[0]], 2);
        h.Run();
        await h.UntilStoredAsync(4);
        await TestMeterSetup.UntilAsync(() => follower.Dropped == 2, h.Time);
        using var stop = new CancellationTokenSource();
        var calls = new MeterCalls();
        var running = RunWithLost(follower, calls, stop.Token);
        await TestMeterSetup.UntilAsync(() => Volatile.Read(ref calls.Rounds) == 1, h.Time);
        lock (calls)
        {
            Assert.Equal([h.Meter.Id], calls.Lost.Keys);
            calls.Lost.Clear();
            calls.Noted.Clear();
        }

        // A second burst (lost in part or not, as the follower keeps up): the first round's lost meter is not named again.
        await SubmitBurstAsync(h, [others[1], others[2]], 2);
        await TestMeterSetup.UntilAsync(() => { lock (calls) { return calls.ActedOn.Count == 4; } }, h.Time);

        await stop.CancelAsync();
        await running.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(0, calls.FullPasses);
        Assert.Equal(new HashSet<MeterId> { h.Meter.Id, others[0].Id, others[1].Id, others[2].Id }, calls.ActedOn);
        Assert.DoesNotContain(h.Meter.Id, calls.Lost.Keys);
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

    /// <summary>
    /// A follower on a pipeline with <paramref name="options"/> (no batch delay) whose first round "takes"
    /// <paramref name="firstRound"/> on the fake clock (the round advances it), started, with that first round over
    /// push 1 done.
    /// </summary>
    private sealed class PacedRun : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private Task _running = Task.CompletedTask;

        private PacedRun(PipelineHarness h, IngestFollower follower)
        {
            H = h;
            Follower = follower;
        }

        public PipelineHarness H { get; }

        public IngestFollower Follower { get; }

        public Calls Calls { get; } = new();

        public int Rounds => Volatile.Read(ref Calls.Rounds);

        public int Noted
        {
            get
            {
                lock (Calls)
                {
                    return Calls.Noted.Count;
                }
            }
        }

        public static async Task<PacedRun> StartAsync(IngestPipelineOptions options, int maxRecordsPerRound, TimeSpan firstRound)
        {
            var h = await new PipelineHarness(options with { MaxBatchDelay = TimeSpan.Zero }).StartAsync();
            var run = new PacedRun(h, new IngestFollower(h.Pipeline, maxRecordsPerRound, time: h.Time));
            run._running = run.Follower.RunAsync(
                r =>
                {
                    lock (run.Calls)
                    {
                        run.Calls.Noted.Add(((IngestedReading)r).Reading.Value);
                        return true;
                    }
                },
                _ =>
                {
                    if (Interlocked.Increment(ref run.Calls.Rounds) == 1)
                    {
                        h.Time.Advance(firstRound);
                    }

                    return Task.CompletedTask;
                },
                _ => Task.CompletedTask,
                run._stop.Token);
            await h.SubmitAsync(1);
            await TestMeterSetup.UntilAsync(() => run.Rounds == 1);
            return run;
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _running.WaitAsync(TimeSpan.FromSeconds(10));
            Follower.Dispose();
            _stop.Dispose();
            await H.DisposeAsync();
        }
    }

    [Fact]
    public async Task RunAsync_RoundTookOneSecondAtAQuarterShare_NextRoundWaitsThreeSecondsAndCoversWhatArrivedMeanwhile()
    {
        await using var run = await PacedRun.StartAsync(new IngestPipelineOptions { FollowerShare = 0.25 }, 100, TimeSpan.FromSeconds(1));

        await run.H.SubmitAsync(2);
        await run.H.SubmitAsync(3);
        await TestMeterSetup.UntilAsync(() => run.Noted == 3);
        Assert.False(run.Follower.Metrics.CaughtUp);
        run.H.Time.Advance(TimeSpan.FromSeconds(2.9));
        await run.H.SubmitAsync(4);
        await TestMeterSetup.UntilAsync(() => run.Noted == 4);
        Assert.Equal(1, run.Rounds);

        run.H.Time.Advance(TimeSpan.FromMilliseconds(100));
        await TestMeterSetup.UntilAsync(() => run.Rounds == 2);
        await TestMeterSetup.UntilAsync(() => run.Follower.Metrics.CaughtUp);

        Assert.Equal(2, run.Rounds);
        Assert.Equal([1.0, 2.0, 3.0, 4.0], run.Calls.Noted);
        Assert.Equal(TimeSpan.FromSeconds(1), run.Follower.Metrics.Busy);
        Assert.Equal(TimeSpan.FromSeconds(3), run.Follower.Metrics.Paused);
    }

    [Fact]
    public async Task RunAsync_ShareOne_NextRoundAtOnce()
    {
        await using var run = await PacedRun.StartAsync(new IngestPipelineOptions { FollowerShare = 1 }, 100, TimeSpan.FromSeconds(1));

        await run.H.SubmitAsync(2);
        await TestMeterSetup.UntilAsync(() => run.Rounds == 2);

        Assert.Equal(TimeSpan.Zero, run.Follower.Metrics.Paused);
    }

    [Fact]
    public async Task RunAsync_LongRound_PauseCappedAtFollowerMaxPause()
    {
        await using var run = await PacedRun.StartAsync(new IngestPipelineOptions { FollowerShare = 0.25, FollowerMaxPause = TimeSpan.FromSeconds(2) }, 100, TimeSpan.FromSeconds(10));

        await run.H.SubmitAsync(2);
        await TestMeterSetup.UntilAsync(() => run.Noted == 2);
        run.H.Time.Advance(TimeSpan.FromSeconds(1.9));
        await run.H.SubmitAsync(3);
        await TestMeterSetup.UntilAsync(() => run.Noted == 3);
        Assert.Equal(1, run.Rounds);
        run.H.Time.Advance(TimeSpan.FromMilliseconds(100));
        await TestMeterSetup.UntilAsync(() => run.Rounds == 2);

        Assert.Equal(TimeSpan.FromSeconds(2), run.Follower.Metrics.Paused);
    }

    [Fact]
    public async Task RunAsync_PauseWithTheRoundsRecordBoundReached_StopsNotingAndRoundTakesTheRestNext()
    {
        await using var run = await PacedRun.StartAsync(new IngestPipelineOptions { FollowerShare = 0.5 }, 2, TimeSpan.FromSeconds(1));
        for (uint i = 2; i <= 5; i++)
        {
            await run.H.SubmitAsync(i);
        }

        await TestMeterSetup.UntilAsync(() => run.Noted == 3);
        await TestMeterSetup.UntilAsync(() => run.H.Store.Inner.CountReadingsAsync().Result >= 5);
        await Task.Delay(100);
        Assert.Equal(3, run.Noted);
        Assert.Equal(1, run.Rounds);

        run.H.Time.Advance(TimeSpan.FromSeconds(1));
        await TestMeterSetup.UntilAsync(() => run.Rounds == 3 && run.Noted == 5);

        Assert.Equal([1.0, 2.0, 3.0, 4.0, 5.0], run.Calls.Noted);
    }
}
