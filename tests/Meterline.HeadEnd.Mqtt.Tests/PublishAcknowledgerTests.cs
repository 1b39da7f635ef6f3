using Meterline.HeadEnd.Ingest;
using Meterline.HeadEnd.Mqtt.Uplink;

namespace Meterline.HeadEnd.Mqtt.Tests;

/// <summary>How answered messages reach the consumer's acknowledgement writer: a commit's together, others at once.</summary>
public sealed class PublishAcknowledgerTests
{
    private static ReadyAcknowledgement Answer() => new(default, MQTTnet.MqttApplicationMessageReceivedReasonCode.Success);

    [Fact]
    public async Task Add_InsideARun_HandedOverOnceWhenTheRunEnds()
    {
        var acknowledger = new PublishAcknowledger();
        var taken = new List<ReadyAcknowledgement>();

        using (FrameAcknowledgementRun.Begin())
        {
            for (var i = 0; i < 5; i++)
            {
                acknowledger.Add(Answer());
            }

            acknowledger.Take(taken);
            Assert.Empty(taken);
            Assert.Equal(0, acknowledger.HandOvers);
        }

        Assert.Equal(1, acknowledger.HandOvers);
        Assert.True(await acknowledger.WaitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(5)).Token));
        acknowledger.Take(taken);
        Assert.Equal(5, taken.Count);
    }

    [Fact]
    public void Add_OutsideARun_HandedOverAtOnce()
    {
        var acknowledger = new PublishAcknowledger();
        var taken = new List<ReadyAcknowledgement>();

        acknowledger.Add(Answer());
        acknowledger.Add(Answer());

        Assert.Equal(2, acknowledger.HandOvers);
        acknowledger.Take(taken);
        Assert.Equal(2, taken.Count);
    }

    [Fact]
    public void Then_CompletedInsideARun_CalledOnTheCompletingThreadBeforeTheRunEnds()
    {
        var acknowledger = new PublishAcknowledger();
        var early = new PublishAcknowledgement();
        var late = new PublishAcknowledgement();
        late.Then(_ => acknowledger.Add(Answer()));

        using (FrameAcknowledgementRun.Begin())
        {
            early.Complete(FrameOutcome.Committed);
            late.Complete(FrameOutcome.Committed);
            Assert.Equal(0, acknowledger.HandOvers);
        }

        Assert.Equal(1, acknowledger.HandOvers);
        // Completed before the callback was set: called at once (outside a run, so handed over at once).
        early.Then(outcome =>
        {
            Assert.Equal(FrameOutcome.Committed, outcome);
            acknowledger.Add(Answer());
        });
        Assert.Equal(2, acknowledger.HandOvers);
    }
}
