using Meterline.HeadEnd.Ingest;

namespace Meterline.HeadEnd.Tests.Ingest;

/// <summary>A replay a meter refused (event 170) reaches the audit log once per event, after its commit.</summary>
public sealed class IngestPipelineReplayAuditTests
{
    [Fact]
    public async Task Run_ReplayRefusedEvent_AuditedOnceEvenWhenDeliveredAgain()
    {
        await using var h = await new PipelineHarness().StartAsync();
        h.Decoder.AlertCode = IngestPipeline.ReplayRefusedEventCode;
        h.Decoder.IntervalOf = counter => counter <= 2 ? 1u : 2u;

        await h.SubmitAsync(1, PushKind.Alert);
        await h.SubmitAsync(2, PushKind.Alert);
        await TestMeterSetup.UntilAsync(() => h.Pipeline.Metrics.RecordsStored >= 2, h.Time);
        await h.SubmitAsync(3, PushKind.Alert);
        await TestMeterSetup.UntilAsync(() => h.Audit.Entries.Count(e => e.Action == IngestPipeline.ReplayRefusedAction) == 2, h.Time);

        var entries = h.Audit.Entries.Where(e => e.Action == IngestPipeline.ReplayRefusedAction).ToList();
        Assert.Equal(2, entries.Count);
        Assert.All(entries, e => Assert.Equal(h.Meter.Serial, e.Subject));
        Assert.All(entries, e => Assert.Contains("\"eventCode\":170", e.Detail, StringComparison.Ordinal));
        Assert.Equal(Meterline.HeadEnd.Meters.KeyStatus.Active, (await h.Repository.GetAsync(h.Meter.Id))!.KeyStatus);
    }

    [Fact]
    public async Task Run_OtherAlert_NoReplayAudited()
    {
        await using var h = await new PipelineHarness().StartAsync();
        using var subscription = h.Pipeline.Subscribe();

        await h.SubmitAsync(1, PushKind.Alert);
        await TestMeterSetup.UntilAsync(() => subscription.Reader.TryPeek(out _), h.Time);

        // Records are published after the audit step of their batch: it has run.
        Assert.DoesNotContain(h.Audit.Entries, e => e.Action == IngestPipeline.ReplayRefusedAction);
    }
}
