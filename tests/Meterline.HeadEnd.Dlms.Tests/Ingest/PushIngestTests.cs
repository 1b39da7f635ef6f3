using Meterline.Dlms.Apdus;
using Meterline.Dlms.Security;
using Meterline.HeadEnd.Ingest;
using Meterline.HeadEnd.Readings;

namespace Meterline.HeadEnd.Dlms.Tests.Ingest;

/// <summary>A real meter's pushes through the guard, the decoder and the batch writer into the reading store; forged, replayed and weakened pushes refused.</summary>
public sealed class PushIngestTests
{
    private static async Task<FrameAdmission> SubmitAsync(MeterRig rig, ReadOnlyMemory<byte> apdu) => await rig.Pipeline.SubmitAsync(rig.Frame(apdu));

    private static async Task AssertRefusedAsync(MeterRig rig, ReadOnlyMemory<byte> apdu, IngestRejectReason reason, string action)
    {
        var before = await rig.Store.CountReadingsAsync();

        Assert.Equal(FrameAdmission.Rejected(reason), await SubmitAsync(rig, apdu));

        Assert.Equal(1, rig.Pipeline.Metrics.Rejected(reason));
        await MeterRig.UntilAsync(() => rig.Audit.Entries.Any(e => e.Action == action));
        Assert.Single(rig.Audit.Entries, e => e.Action == action);
        Assert.Equal(before, await rig.Store.CountReadingsAsync());
    }

    [Fact]
    public async Task Submit_UsagePushes_StoredAndTheMeterMarkedHeard()
    {
        await using var rig = await new MeterRig().StartAsync();
        var pushes = rig.Advance(TimeSpan.FromHours(1));

        foreach (var push in pushes)
        {
            Assert.Equal(FrameAdmission.Queued, await SubmitAsync(rig, push.Apdu));
        }

        await MeterRig.UntilAsync(() => rig.Store.CountReadingsAsync().Result == 4 * 6);
        var blocks = await rig.Store.GetIntervalTimesAsync(rig.Meter.Id, Quantity.BlockImportEnergy, MeterRig.Start, MeterRig.Start.AddHours(2));
        Assert.Equal(Enumerable.Range(1, 4).Select(q => MeterRig.Start.AddMinutes(15 * q)), blocks);
        await MeterRig.UntilAsync(() => rig.Repository.GetAsync(rig.Meter.Id).Result!.LastHeardAt is not null);
        Assert.Equal(0, rig.Pipeline.Metrics.RejectedTotal);
    }

    [Fact]
    public async Task Submit_UnknownSystemTitle_RefusedCountedAuditedNeverStored()
    {
        await using var rig = await new MeterRig().StartAsync();
        var forged = rig.Advance(TimeSpan.FromMinutes(15))[0].Apdu.ToArray();
        forged[9] ^= 0x7F; // last byte of the system title (0xDB, 8, title…)

        await AssertRefusedAsync(rig, forged, IngestRejectReason.UnknownSystemTitle, "frame.rejected.unknown-system-title");
    }

    [Fact]
    public async Task Submit_FlippedByte_RefusedAsBadTagCountedAuditedNeverStored()
    {
        await using var rig = await new MeterRig().StartAsync();
        var forged = rig.Advance(TimeSpan.FromMinutes(15))[0].Apdu.ToArray();
        forged[20] ^= 0x01; // inside the ciphertext

        await AssertRefusedAsync(rig, forged, IngestRejectReason.AuthenticationFailed, "frame.rejected.bad-tag");
        Assert.Equal(0, await rig.Store.CountReadingsAsync());
    }

    [Fact]
    public async Task Submit_SameBytesAgainAfterTheCommit_RefusedAsReplay()
    {
        await using var rig = await new MeterRig().StartAsync();
        var push = rig.Advance(TimeSpan.FromMinutes(15))[0];
        Assert.Equal(FrameAdmission.Queued, await SubmitAsync(rig, push.Apdu));
        await MeterRig.UntilAsync(() => rig.Pipeline.CounterMarks.Get(rig.Meter.Id) is not null);

        await AssertRefusedAsync(rig, push.Apdu, IngestRejectReason.Replay, "frame.rejected.replay");
        Assert.Equal(6, await rig.Store.CountReadingsAsync());
    }

    [Theory]
    [InlineData(0x10)] // authentication only
    [InlineData(0x20)] // encryption only
    public async Task Submit_WeakerProtectionWithTheMetersOwnKeys_Refused(byte securityControl)
    {
        await using var rig = await new MeterRig().StartAsync();
        var push = rig.Advance(TimeSpan.FromMinutes(15))[0];
        using var cipher = new AesGcmCipher(rig.EncryptionKey, rig.AuthenticationKey, acceptEncryptionOnly: true);
        var plain = ((GeneralGloCiphering)ApduCodec.Decode(push.Apdu.Span)).Unprotect(cipher);
        var weakened = ApduCodec.Encode(GeneralGloCiphering.Protect(cipher, new SecurityControl(securityControl), MeterRig.MeterTitle, rig.SmartMeter.NextInvocationCounter + 100, plain));

        await AssertRefusedAsync(rig, weakened, IngestRejectReason.WeakProtection, "frame.rejected.weak-protection");
        Assert.Equal(0, await rig.Store.CountReadingsAsync());
    }

    [Fact]
    public async Task Submit_SameIntervalPushedTwiceWithNewCounters_StoredOnce()
    {
        await using var rig = await new MeterRig().StartAsync();
        rig.Time.Advance(TimeSpan.FromMinutes(15));
        rig.SmartMeter.AdvanceTo();
        Assert.True(rig.SmartMeter.TryTakePush(out var first));
        rig.SmartMeter.CompletePush(first.Sequence, delivered: false);
        rig.Time.Advance(TimeSpan.FromSeconds(61));
        Assert.True(rig.SmartMeter.TryTakePush(out var again));
        rig.SmartMeter.CompletePush(again.Sequence, delivered: true);
        Assert.False(first.Apdu.Span.SequenceEqual(again.Apdu.Span));

        Assert.Equal(FrameAdmission.Queued, await SubmitAsync(rig, first.Apdu));
        await MeterRig.UntilAsync(() => rig.Pipeline.CounterMarks.Get(rig.Meter.Id) is not null);
        Assert.Equal(FrameAdmission.Queued, await SubmitAsync(rig, again.Apdu));
        await MeterRig.UntilAsync(() => rig.Pipeline.Metrics.Batches == 2);

        Assert.Equal(6, await rig.Store.CountReadingsAsync());
        Assert.Equal(2, rig.Store.Writes);
    }

    [Fact]
    public async Task Submit_CoverOpenAlert_EventStoredKeysMarkedCompromisedAudited()
    {
        await using var rig = await new MeterRig().StartAsync();
        rig.Advance(TimeSpan.FromHours(1));
        rig.SmartMeter.OpenCover();
        var alert = Assert.Single(rig.Advance(TimeSpan.Zero));

        Assert.Equal(FrameAdmission.Queued, await SubmitAsync(rig, alert.Apdu));

        await MeterRig.UntilAsync(() => rig.Repository.GetAsync(rig.Meter.Id).Result!.KeyStatus == Meters.KeyStatus.Compromised);
        var stored = Assert.Single(await rig.Store.GetEventsAsync(rig.Meter.Id, DateTimeOffset.MinValue, DateTimeOffset.MaxValue, 10));
        Assert.Equal(251, stored.Code);
        Assert.Single(rig.Audit.Entries, e => e.Action == "meter.keys.compromised" && e.Subject == "MTL0001");
    }
}
