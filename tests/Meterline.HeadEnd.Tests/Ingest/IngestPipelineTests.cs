using Meterline.HeadEnd.Ingest;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Readings;

namespace Meterline.HeadEnd.Tests.Ingest;

public sealed class IngestPipelineTests
{
    [Fact]
    public async Task Submit_GoodFrame_StoredThenAcknowledgedMarkedHeardAndCounterRaised()
    {
        await using var h = await new PipelineHarness().StartAsync();
        var ack = new RecordingAcknowledgement();

        Assert.Equal(FrameAdmission.Queued, await h.SubmitAsync(7, ack: ack));
        await h.UntilStoredAsync(1);
        await TestMeterSetup.UntilAsync(() => ack.Outcomes.Count == 1);

        Assert.Equal([FrameOutcome.Committed], ack.Outcomes);
        var batch = Assert.Single(h.Store.Attempts);
        Assert.Equal(7u, batch.PushCounters[h.Meter.Id]);
        Assert.Equal(7u, (await h.Store.GetPushCountersAsync())[h.Meter.Id]);
        Assert.Equal(7u, h.Pipeline.CounterMarks.Get(h.Meter.Id));
        await TestMeterSetup.UntilAsync(() => h.Repository.GetAsync(h.Meter.Id).Result!.LastHeardAt is not null);
        var heard = (await h.Repository.GetAsync(h.Meter.Id))!;
        Assert.Equal(CommunicationStatus.Online, heard.Communication);
        Assert.Equal(TestMeterSetup.Start, heard.LastHeardAt);
        Assert.Equal(1, h.Pipeline.Metrics.Accepted);
    }

    [Fact]
    public async Task Submit_WhileTheWriteIsInFlight_NotAcknowledgedAndReplayStillPassesUntilTheCommit()
    {
        await using var h = await new PipelineHarness().StartAsync();
        h.Store.Close();
        var ack = new RecordingAcknowledgement();

        await h.SubmitAsync(7, ack: ack);
        await TestMeterSetup.UntilAsync(() => h.Store.Attempts.Count == 1, h.Time);

        Assert.Empty(ack.Outcomes);
        Assert.Null(h.Pipeline.CounterMarks.Get(h.Meter.Id));
        h.Store.Release();
        await TestMeterSetup.UntilAsync(() => ack.Outcomes.Count == 1);
        Assert.Equal([FrameOutcome.Committed], ack.Outcomes);

        var replay = new RecordingAcknowledgement();
        Assert.Equal(FrameAdmission.Rejected(IngestRejectReason.Replay), await h.SubmitAsync(7, ack: replay));
        Assert.Equal([FrameOutcome.Rejected], replay.Outcomes);
        Assert.Equal(1, await h.Store.CountReadingsAsync());
    }

    [Fact]
    public async Task Run_TwoCommits_EachCommitsAcknowledgementsCompletedInOneRunAndFlushedOnceAfterIt()
    {
        await using var h = await new PipelineHarness().StartAsync();
        var transport = new DeferringAcknowledgements();
        h.Store.Close();
        await h.SubmitAsync(7, ack: transport.Next());
        await TestMeterSetup.UntilAsync(() => h.Store.Attempts.Count == 1, h.Time);
        foreach (var counter in new uint[] { 8, 9, 10 })
        {
            Assert.Equal(FrameAdmission.Queued, await h.SubmitAsync(counter, ack: transport.Next()));
        }

        Assert.Empty(transport.CompletedAtFlush);
        h.Store.Release();
        await TestMeterSetup.UntilAsync(() => transport.CompletedAtFlush.Count == 2);

        // The first commit held one push, the second the other three: one flush after each, none in between.
        Assert.Equal([1, 4], transport.CompletedAtFlush);
        Assert.Equal(4, transport.Deferred);
        Assert.Equal(2, h.Store.Attempts.Count);
    }

    [Fact]
    public void TryDefer_OutsideARun_FalseAndNestedRunsFlushOnceAtTheOutermostEnd()
    {
        var transport = new DeferringAcknowledgements();
        Assert.False(FrameAcknowledgementRun.TryDefer(transport));

        using (FrameAcknowledgementRun.Begin())
        {
            using (FrameAcknowledgementRun.Begin())
            {
                Assert.True(FrameAcknowledgementRun.TryDefer(transport));
                Assert.True(FrameAcknowledgementRun.TryDefer(transport));
            }

            Assert.Empty(transport.CompletedAtFlush);
        }

        Assert.Single(transport.CompletedAtFlush);
        Assert.False(FrameAcknowledgementRun.TryDefer(transport));
    }

    [Fact]
    public async Task Run_FailedWrite_AcknowledgedAsFailedRetriedWithBackOffAndStoredOnce()
    {
        await using var h = await new PipelineHarness(new IngestPipelineOptions { MinRetryDelay = TimeSpan.FromSeconds(1) }).StartAsync();
        h.Store.Inner.FailNextWrite = new IOException("disk full");
        var ack = new RecordingAcknowledgement();

        await h.SubmitAsync(3, ack: ack);
        await TestMeterSetup.UntilAsync(() => ack.Outcomes.Count == 1, h.Time);
        Assert.Equal([FrameOutcome.Failed], ack.Outcomes);
        Assert.Equal(0, await h.Store.CountReadingsAsync());

        await h.UntilStoredAsync(1);

        Assert.Equal(2, h.Store.Attempts.Count);
        Assert.Equal(1, h.Pipeline.Metrics.WriteFailures);
        Assert.Equal([FrameOutcome.Failed], ack.Outcomes);
        Assert.Equal(3u, h.Pipeline.CounterMarks.Get(h.Meter.Id));
        Assert.Equal(0, h.Pipeline.Metrics.AbandonedBatches);
    }

    [Fact]
    public async Task Run_WriteFailsEveryTime_GivenUpAfterTheLastAttemptNeverAcknowledgedAsCommitted()
    {
        await using var h = await new PipelineHarness(new IngestPipelineOptions { MaxWriteAttempts = 3, MinRetryDelay = TimeSpan.FromMilliseconds(10) }).StartAsync();
        var ack = new RecordingAcknowledgement();
        h.Store.Inner.FailNextWrite = new IOException("1");

        // Fail every attempt: re-arm the failure whenever it was used.
        await h.SubmitAsync(3, ack: ack);
        await TestMeterSetup.UntilAsync(
            () =>
            {
                h.Store.Inner.FailNextWrite ??= new IOException("again");
                return h.Pipeline.Metrics.AbandonedBatches == 1;
            },
            h.Time);

        Assert.Equal(3, h.Pipeline.Metrics.WriteFailures);
        Assert.Equal([FrameOutcome.Failed], ack.Outcomes);
        Assert.Null(h.Pipeline.CounterMarks.Get(h.Meter.Id));
        Assert.Equal(0, h.Store.Inner.Writes);
    }

    [Fact]
    public async Task Run_QueuedAlertsAndUsage_AlertsWrittenFirst()
    {
        await using var h = await new PipelineHarness(new IngestPipelineOptions { MaxBatchRecords = 1 }).StartAsync();
        h.Store.Close();
        await h.SubmitAsync(1);
        await TestMeterSetup.UntilAsync(() => h.Store.Attempts.Count == 1, h.Time);

        await h.SubmitAsync(2);
        await h.SubmitAsync(3);
        await h.SubmitAsync(4, PushKind.Alert);
        await h.SubmitAsync(5, PushKind.Alert);
        Assert.Equal(2, h.Pipeline.QueuedPriority);
        Assert.Equal(2, h.Pipeline.QueuedUsage);
        h.Store.Release();
        await TestMeterSetup.UntilAsync(() => h.Store.Inner.Writes == 5, h.Time);

        var order = h.Store.Attempts.Select(b => b.PushCounters[h.Meter.Id]).ToArray();
        Assert.Equal([1u, 4u, 5u, 2u, 3u], order);
    }

    [Fact]
    public async Task Submit_UsageQueueFull_UsageShedAndAcknowledgedAsFailedWhileAlertsStillQueue()
    {
        await using var h = await new PipelineHarness(new IngestPipelineOptions { UsageQueueCapacity = 2, MaxBatchRecords = 1 }).StartAsync();
        h.Store.Close();
        await h.SubmitAsync(1);
        await TestMeterSetup.UntilAsync(() => h.Store.Attempts.Count == 1, h.Time);
        await h.SubmitAsync(2);
        await h.SubmitAsync(3);
        var shedAck = new RecordingAcknowledgement();

        var shed = await h.SubmitAsync(4, ack: shedAck);
        var alert = await h.SubmitAsync(5, PushKind.Alert);

        Assert.Equal(FrameAdmission.Shed, shed);
        Assert.Equal([FrameOutcome.Failed], shedAck.Outcomes);
        Assert.Equal(FrameAdmission.Queued, alert);
        Assert.Equal(1, h.Pipeline.Metrics.Shed);
        h.Store.Release();
        await TestMeterSetup.UntilAsync(() => h.Store.Inner.Writes == 4, h.Time);
        Assert.Equal(4, await h.Store.CountReadingsAsync() + (await h.Store.GetEventsAsync(null, DateTimeOffset.MinValue, DateTimeOffset.MaxValue, 10)).Count);
    }

    [Fact]
    public async Task Submit_UsageQueueFullAndNoAcknowledgement_WaitsForRoomInsteadOfShedding()
    {
        await using var h = await new PipelineHarness(new IngestPipelineOptions { UsageQueueCapacity = 1, MaxBatchRecords = 1, UnacknowledgedWait = TimeSpan.FromMinutes(1) }).StartAsync();
        h.Store.Close();
        await h.SubmitAsync(1);
        await TestMeterSetup.UntilAsync(() => h.Store.Attempts.Count == 1, h.Time);
        await h.SubmitAsync(2);

        // A wrapper push has no acknowledgement: shed, it would be lost, so the submitter (the link's read loop) waits.
        var waiting = h.SubmitAsync(3).AsTask();
        Assert.False(waiting.IsCompleted);
        h.Store.Release();

        Assert.Equal(FrameAdmission.Queued, await waiting.WaitAsync(TimeSpan.FromSeconds(30)));
        await h.UntilStoredAsync(3);
        Assert.Equal(0, h.Pipeline.Metrics.Shed);
    }

    [Fact]
    public async Task Submit_UsageQueueFullAndNoAcknowledgement_ShedAfterTheBoundedWait()
    {
        await using var h = await new PipelineHarness(new IngestPipelineOptions { UsageQueueCapacity = 1, MaxBatchRecords = 1, UnacknowledgedWait = TimeSpan.FromSeconds(2) }).StartAsync();
        h.Store.Close();
        await h.SubmitAsync(1);
        await TestMeterSetup.UntilAsync(() => h.Store.Attempts.Count == 1, h.Time);
        await h.SubmitAsync(2);

        var waiting = h.SubmitAsync(3).AsTask();
        Assert.False(waiting.IsCompleted);
        await TestMeterSetup.UntilAsync(() => waiting.IsCompleted, h.Time, TimeSpan.FromMilliseconds(500));

        Assert.Equal(FrameAdmission.Shed, await waiting);
        Assert.Equal(1, h.Pipeline.Metrics.Shed);
        h.Store.Release();
    }

    [Fact]
    public async Task Submit_PriorityQueueFull_WaitsBoundedThenShedsTheAlert()
    {
        await using var h = await new PipelineHarness(new IngestPipelineOptions { PriorityQueueCapacity = 1, MaxBatchRecords = 1, PriorityWait = TimeSpan.FromSeconds(2) }).StartAsync();
        h.Store.Close();
        await h.SubmitAsync(1, PushKind.Alert);
        await TestMeterSetup.UntilAsync(() => h.Store.Attempts.Count == 1, h.Time);
        await h.SubmitAsync(2, PushKind.Alert);

        var waiting = h.SubmitAsync(3, PushKind.Alert).AsTask();
        Assert.False(waiting.IsCompleted);
        await TestMeterSetup.UntilAsync(() => waiting.IsCompleted, h.Time, TimeSpan.FromMilliseconds(500));

        Assert.Equal(FrameAdmission.Shed, await waiting);
        Assert.Equal(1, h.Pipeline.Metrics.Shed);
        h.Store.Release();
    }

    [Fact]
    public async Task Run_ManyQueuedFrames_WrittenInBatchesOfAtMostMaxRecords()
    {
        await using var h = await new PipelineHarness(new IngestPipelineOptions { MaxBatchRecords = 3 }).StartAsync(run: false);
        for (uint i = 1; i <= 7; i++)
        {
            await h.SubmitAsync(i);
        }

        h.Run();
        await h.UntilStoredAsync(7);

        Assert.Equal([3, 3, 1], h.Store.Attempts.Select(b => b.Readings.Count));
        Assert.Equal([3u, 6u, 7u], h.Store.Attempts.Select(b => b.PushCounters[h.Meter.Id]));
        Assert.Equal(3, h.Pipeline.Metrics.Batches);
    }

    [Fact]
    public async Task Run_FewFrames_WrittenOnlyOnceTheBatchDelayHasPassed()
    {
        await using var h = await new PipelineHarness(new IngestPipelineOptions { MaxBatchDelay = TimeSpan.FromSeconds(10) }).StartAsync();

        await h.SubmitAsync(1);
        await h.SubmitAsync(2);
        await Task.Delay(100);
        Assert.Empty(h.Store.Attempts);

        await TestMeterSetup.UntilAsync(() => h.Store.Attempts.Count == 1, h.Time, TimeSpan.FromSeconds(1));
        Assert.Equal(2, h.Store.Attempts[0].Readings.Count);
    }

    [Fact]
    public async Task Run_SameIntervalTwiceWithNewCounters_StoredOnce()
    {
        await using var h = await new PipelineHarness().StartAsync();
        h.Decoder.IntervalOf = _ => 1;

        await h.SubmitAsync(10);
        await h.UntilStoredAsync(1);
        Assert.Equal(FrameAdmission.Queued, await h.SubmitAsync(11));
        await TestMeterSetup.UntilAsync(() => h.Pipeline.CounterMarks.Get(h.Meter.Id) == 11, h.Time);

        Assert.Equal(1, await h.Store.CountReadingsAsync());
        Assert.Equal(2, h.Store.Inner.Writes);
    }

    [Fact]
    public async Task Submit_DecoderRefuses_RejectedCountedAuditedNothingStored()
    {
        await using var h = await new PipelineHarness().StartAsync();
        h.Decoder.Refuse = IngestRejectReason.AuthenticationFailed;
        var ack = new RecordingAcknowledgement();

        var admission = await h.SubmitAsync(1, ack: ack);
        await h.Pipeline.Auditor.FlushAsync();

        Assert.Equal(FrameAdmission.Rejected(IngestRejectReason.AuthenticationFailed), admission);
        Assert.Equal([FrameOutcome.Rejected], ack.Outcomes);
        Assert.Equal(1, h.Pipeline.Metrics.Rejected(IngestRejectReason.AuthenticationFailed));
        var entry = Assert.Single(h.Audit.Entries);
        Assert.Equal("frame.rejected.bad-tag", entry.Action);
        Assert.Equal(h.Meter.Serial, entry.Subject);
        Assert.Empty(h.Store.Attempts);
    }

    [Fact]
    public async Task Run_CoverOpenEvent_KeysMarkedCompromisedAuditedAndLaterFramesRejected()
    {
        await using var h = await new PipelineHarness().StartAsync();
        h.Decoder.AlertCode = IngestPipeline.CoverOpenEventCode;

        await h.SubmitAsync(1, PushKind.Alert);
        await TestMeterSetup.UntilAsync(() => h.Repository.GetAsync(h.Meter.Id).Result!.KeyStatus == KeyStatus.Compromised, h.Time);

        var entry = Assert.Single(h.Audit.Entries, e => e.Action == "meter.keys.compromised");
        Assert.Equal(h.Meter.Serial, entry.Subject);
        Assert.Equal(251, (await h.Store.GetEventsAsync(h.Meter.Id, DateTimeOffset.MinValue, DateTimeOffset.MaxValue, 10)).Single().Code);
        Assert.Equal(FrameAdmission.Rejected(IngestRejectReason.KeysCompromised), await h.SubmitAsync(2));
    }

    [Fact]
    public async Task Subscribe_CommittedRecordsPublished_SlowSubscriberLosesOldestAndIsCounted()
    {
        await using var h = await new PipelineHarness(new IngestPipelineOptions { SubscriberCapacity = 2 }).StartAsync(run: false);
        using var subscription = h.Pipeline.Subscribe();
        for (uint i = 1; i <= 5; i++)
        {
            await h.SubmitAsync(i);
        }

        h.Run();
        await h.UntilStoredAsync(5);
        await TestMeterSetup.UntilAsync(() => subscription.Dropped == 3);

        Assert.True(subscription.Reader.TryRead(out var first));
        Assert.True(subscription.Reader.TryRead(out var second));
        Assert.Equal([4.0, 5.0], new[] { first, second }.Cast<IngestedReading>().Select(r => r.Reading.Value));
        Assert.Equal(3, h.Pipeline.Metrics.SubscriberDrops);
    }

    [Fact]
    public async Task Run_Cancelled_QueuedFramesAcknowledgedAsFailed()
    {
        var h = await new PipelineHarness().StartAsync(run: false);
        h.Store.Close();
        var ack = new RecordingAcknowledgement();
        await h.SubmitAsync(1, ack: ack);
        h.Run();

        await h.DisposeAsync();

        Assert.Equal([FrameOutcome.Failed], ack.Outcomes);
        Assert.Equal(0, await h.Store.CountReadingsAsync());
    }
}
