using Meterline.Dlms.Cosem;
using Meterline.HeadEnd.Dlms.Ingest;
using Meterline.HeadEnd.Ingest;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Readings;
using Meterline.Meter.Push;

namespace Meterline.HeadEnd.Dlms.Tests.Ingest;

/// <summary>A real meter's usage, billing and alert pushes decoded to the values in its own profiles and logs.</summary>
public sealed class DlmsPushDecoderTests
{
    private static readonly ObisCode UsagePush = new(0, 0, 25, 9, 0, 255);
    private static readonly ObisCode BillingPush = new(0, 1, 25, 9, 0, 255);
    private static readonly ObisCode AlertPush = new(0, 4, 25, 9, 0, 255);

    private static async Task<PushDecodeResult> DecodeAsync(MeterRig rig, PushMessage push, Meters.Meter? meter = null)
    {
        var frame = rig.Frame(push.Apdu);
        Assert.Equal(HeaderInspection.Read, new DlmsSecuredApduInspector().Inspect(push.Apdu.Span, out var header));
        return await rig.Decoder.DecodeAsync(frame, header, meter ?? rig.Meter);
    }

    private static DateTimeOffset Utc(long ticks) => new(ticks, TimeSpan.Zero);

    [Fact]
    public async Task Decode_UsagePush_LastBlockEntryScaledAndCumulativeRegistersAtItsTime()
    {
        await using var rig = await new MeterRig().StartAsync(run: false);
        var push = Assert.Single(rig.Advance(TimeSpan.FromMinutes(15)), p => p.PushSetup == UsagePush);
        var block = rig.SmartMeter.BlockProfile;
        var row = block.GetRow(block.EntriesInUse - 1);

        var result = await DecodeAsync(rig, push);

        var decoded = Assert.IsType<DecodedPush>(result.Push);
        Assert.Equal(PushKind.Usage, decoded.Kind);
        Assert.False(decoded.IsPriority);
        Assert.Equal(System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(push.Apdu.Span[12..]), decoded.InvocationCounter); // 0xDB, 8, title, length, SC, IC
        var time = Utc(row[0]);
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 0, 15, 0, TimeSpan.FromHours(5.5)), time);
        Assert.All(decoded.Readings, r => Assert.Equal((rig.Meter.Id, time, ReadingQuality.Authenticated), (r.Meter, r.Time, r.Quality)));
        var values = decoded.Readings.ToDictionary(r => r.Quantity, r => r.Value);
        Assert.Equal(6, values.Count);
        Assert.Equal(row[1] / 100m, (decimal)values[Quantity.BlockAverageVoltage]);
        Assert.Equal(row[2] / 1000m, (decimal)values[Quantity.BlockAverageCurrent]);
        Assert.Equal(row[3], values[Quantity.BlockImportEnergy]);
        Assert.Equal(row[4], values[Quantity.BlockExportEnergy]);
        Assert.True(values[Quantity.BlockAverageVoltage] is > 180 and < 270, $"voltage {values[Quantity.BlockAverageVoltage]}");
        Assert.Equal(rig.SmartMeter.Registers.ImportWh, values[Quantity.CumulativeImportEnergy]);
        Assert.Equal(rig.SmartMeter.Registers.ExportWh, values[Quantity.CumulativeExportEnergy]);
    }

    [Fact]
    public async Task Decode_BillingPush_SnapshotOfTheBillingProfileEntry()
    {
        await using var rig = await new MeterRig(o => o with { BillingDay = 2 }).StartAsync(run: false);
        var push = Assert.Single(rig.Advance(TimeSpan.FromDays(1)), p => p.PushSetup == BillingPush);
        var row = rig.SmartMeter.BillingProfile.GetRow(0);

        var decoded = Assert.IsType<DecodedPush>((await DecodeAsync(rig, push)).Push);

        var snapshot = Assert.Single(decoded.BillingSnapshots);
        Assert.Equal(PushKind.Billing, decoded.Kind);
        Assert.Equal(new DateTimeOffset(2026, 1, 2, 0, 0, 0, TimeSpan.FromHours(5.5)), snapshot.CapturedAt);
        Assert.Equal(ReadingQuality.Authenticated, snapshot.Quality);
        var values = snapshot.Values.ToDictionary(v => v.Quantity, v => v.Value);
        Assert.Equal(1, values[Quantity.BillingPeriodCount]);
        Assert.Equal(row[2], values[Quantity.CumulativeImportEnergy]);
        Assert.True(values[Quantity.CumulativeImportEnergy] > 0, "a day of household load imports energy");
        for (var zone = 1; zone <= 8; zone++)
        {
            Assert.Equal(row[2 + zone], values[Quantity.ImportInZone(zone)]);
        }

        Assert.Equal(row[2], Enumerable.Range(1, 8).Sum(z => values[Quantity.ImportInZone(z)]));
        Assert.Equal(row[11], values[Quantity.MaximumDemand]);
        Assert.Equal(Utc(row[12]), snapshot.MaximumDemandAt);
        Assert.Equal(row[13], values[Quantity.CumulativeExportEnergy]);
        Assert.Equal(row[14], values[Quantity.CumulativeApparentEnergy]);
        Assert.Empty(decoded.Readings);
    }

    [Fact]
    public async Task Decode_CoverOpenAlert_EventWithTheLoggedInstantaneousValuesAndPriority()
    {
        await using var rig = await new MeterRig().StartAsync(run: false);
        rig.Advance(TimeSpan.FromHours(19));
        rig.SmartMeter.OpenCover();
        var push = Assert.Single(rig.Advance(TimeSpan.Zero), p => p.PushSetup == AlertPush);
        var row = rig.SmartMeter.EventLog(5).GetRow(0);

        var decoded = Assert.IsType<DecodedPush>((await DecodeAsync(rig, push)).Push);

        Assert.Equal(PushKind.Alert, decoded.Kind);
        Assert.True(decoded.IsPriority);
        var meterEvent = Assert.Single(decoded.Events);
        Assert.Equal(251, meterEvent.Code);
        Assert.Equal(Utc(row[0]), meterEvent.OccurredAt);
        var values = meterEvent.Values.ToDictionary(v => v.Quantity, v => v.Value);
        Assert.Equal(row[2] / 100m, (decimal)values[Quantity.Voltage]);
        Assert.Equal(row[3] / 1000m, (decimal)values[Quantity.PhaseCurrent]);
        Assert.Equal(row[4] / 1000m, (decimal)values[Quantity.NeutralCurrent]);
        Assert.Equal(row[5] / 1000m, (decimal)values[Quantity.PowerFactor]);
        Assert.Equal(row[6], values[Quantity.CumulativeImportEnergy]);
    }

    [Fact]
    public async Task Decode_TagFlipped_RefusedAsAuthenticationFailure()
    {
        await using var rig = await new MeterRig().StartAsync(run: false);
        var push = rig.Advance(TimeSpan.FromMinutes(15))[0];
        var forged = push.Apdu.ToArray();
        forged[^1] ^= 0x01;

        var result = await DecodeAsync(rig, push with { Apdu = forged });

        Assert.Null(result.Push);
        Assert.Equal(IngestRejectReason.AuthenticationFailed, result.Reason);
    }

    [Fact]
    public async Task Decode_SerialOfAnotherMeter_Refused()
    {
        await using var rig = await new MeterRig().StartAsync(run: false);
        var push = rig.Advance(TimeSpan.FromMinutes(15))[0];

        var result = await DecodeAsync(rig, push, rig.Meter with { Serial = "MTL0002" });

        Assert.Equal(IngestRejectReason.SerialMismatch, result.Reason);
    }

    [Fact]
    public async Task Decode_NoKeysForTheGeneration_RefusedWithoutTryingToDecrypt()
    {
        await using var rig = await new MeterRig().StartAsync(run: false);
        var push = rig.Advance(TimeSpan.FromMinutes(15))[0];

        var result = await DecodeAsync(rig, push, rig.Meter with { KeyGeneration = 2 });

        Assert.Equal(IngestRejectReason.NoKeys, result.Reason);
    }

    [Fact]
    public async Task Decode_ManyPushes_OneCipherBuiltPerMeterKey()
    {
        await using var rig = await new MeterRig().StartAsync(run: false);
        var pushes = rig.Advance(TimeSpan.FromHours(2));

        foreach (var push in pushes)
        {
            Assert.NotNull((await DecodeAsync(rig, push)).Push);
        }

        Assert.Equal(8, pushes.Count);
        Assert.Equal(1, rig.Decoder.CipherMisses);
        Assert.Equal(1, rig.Keyring.Requests);
    }

    [Fact]
    public void Inspect_NotCiphered_Unprotected() =>
        Assert.Equal(HeaderInspection.Unprotected, new DlmsSecuredApduInspector().Inspect([0x0F, 0x00, 0x00, 0x00, 0x01, 0x00, 0x12, 0x00, 0x01], out _));

    [Fact]
    public void Inspect_LengthsLie_Malformed() =>
        Assert.Equal(HeaderInspection.Malformed, new DlmsSecuredApduInspector().Inspect([0xDB, 0x08, 1, 2, 3, 4, 5, 6, 7, 8, 0x40, 0x30, 0, 0, 0, 1], out _));
}
