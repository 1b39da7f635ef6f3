using Meterline.Dlms;
using Meterline.Dlms.Apdus;
using Meterline.Dlms.Cosem;
using Meterline.Dlms.Security;
using Meterline.Dlms.Tests.Support;
using Meterline.HeadEnd.Dlms.Ingest;
using Meterline.HeadEnd.Ingest;
using Meterline.HeadEnd.Readings;
using Meterline.Meter.Push;

namespace Meterline.HeadEnd.Dlms.Tests.Ingest;

/// <summary>
/// The direct usage-push reader against the generic mapping (<see cref="PushBodyMapper.Map"/> over the decoded
/// <see cref="DataNotification"/>): on every push a simulated meter makes, and on mutations of them, the direct reader
/// either declines or gives exactly the generic mapping's records; it takes every usage push the meter makes.
/// </summary>
public class UsagePushReaderTests
{
    private static readonly ObisCode UsagePush = new(0, 0, 25, 9, 0, 255);

    private static readonly DateTimeOffset ReceivedAt = new(2026, 3, 1, 7, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task TryRead_EveryPushOfASimulatedMeter_TakesUsageAndAgreesWithTheGenericMapping()
    {
        await using var rig = await new MeterRig().StartAsync(run: false);
        var mapper = new PushBodyMapper(MeterRig.Profile, PushLayout.Is15959SinglePhase);
        var reader = Assert.IsType<UsagePushReader>(mapper.Direct);
        var pushes = new List<PushMessage>();
        for (var hour = 0; hour < 40; hour++)
        {
            pushes.AddRange(rig.Advance(TimeSpan.FromHours(1)));
            if (hour == 20)
            {
                rig.SmartMeter.OpenCover(); // an alert push in the mix
            }
        }

        var taken = 0;
        var usage = 0;
        foreach (var push in pushes)
        {
            var plaintext = Decrypt(rig, push);
            var generic = Generic(mapper, plaintext, rig.Meter);
            var direct = reader.TryRead(plaintext, rig.Meter, 77);
            if (push.PushSetup == UsagePush)
            {
                usage++;
                Assert.NotNull(direct);
            }
            else
            {
                Assert.Null(direct);
            }

            if (direct is not null)
            {
                taken++;
                AssertSame(generic, direct);
            }
        }

        Assert.True(usage >= 50, $"only {usage} usage pushes");
        Assert.Equal(usage, taken);
        Assert.Contains(pushes, p => p.PushSetup != UsagePush);
    }

    [Fact]
    public async Task TryRead_MutatedUsagePushes_DeclinesOrAgreesWithTheGenericMapping()
    {
        await using var rig = await new MeterRig().StartAsync(run: false);
        var mapper = new PushBodyMapper(MeterRig.Profile, PushLayout.Is15959SinglePhase);
        var reader = Assert.IsType<UsagePushReader>(mapper.Direct);
        var pushes = rig.Advance(TimeSpan.FromHours(30));
        rig.SmartMeter.OpenCover(); // an alert among the seeds, for splices
        pushes.AddRange(rig.Advance(TimeSpan.Zero));
        var seeds = pushes.Select(p => Decrypt(rig, p)).TakeLast(40).ToList();
        var meter = rig.Meter;
        var taken = 0;
        var declined = 0;
        await InputMutator.CheckAsync(seeds, plaintext =>
        {
            var direct = reader.TryRead(plaintext, meter, 77);
            if (direct is null)
            {
                declined++;
                return;
            }

            taken++;
            AssertSame(Generic(mapper, plaintext, meter), direct);
        }, seed: 6101);

        Assert.True(taken > 0 && declined > 0, $"taken {taken}, declined {declined}");
    }

    [Fact]
    public async Task TryRead_AnotherSerial_DeclinesAndTheGenericMappingRefusesIt()
    {
        await using var rig = await new MeterRig().StartAsync(run: false);
        var mapper = new PushBodyMapper(MeterRig.Profile, PushLayout.Is15959SinglePhase);
        var plaintext = Decrypt(rig, Assert.Single(rig.Advance(TimeSpan.FromMinutes(15)), p => p.PushSetup == UsagePush));
        var other = rig.Meter with { Serial = "MTL0002" };

        Assert.Null(mapper.Direct!.TryRead(plaintext, other, 1));
        Assert.Equal(IngestRejectReason.SerialMismatch, Generic(mapper, plaintext, other).Reason);
    }

    [Fact]
    public async Task TryRead_TrailingByteOrTruncated_Declines()
    {
        await using var rig = await new MeterRig().StartAsync(run: false);
        var mapper = new PushBodyMapper(MeterRig.Profile, PushLayout.Is15959SinglePhase);
        var plaintext = Decrypt(rig, Assert.Single(rig.Advance(TimeSpan.FromMinutes(15)), p => p.PushSetup == UsagePush));

        Assert.NotNull(mapper.Direct!.TryRead(plaintext, rig.Meter, 1));
        Assert.Null(mapper.Direct.TryRead([.. plaintext, 0x00], rig.Meter, 1));
        for (var length = 0; length < plaintext.Length; length++)
        {
            Assert.Null(mapper.Direct.TryRead(plaintext.AsSpan(0, length), rig.Meter, 1));
        }
    }

    [Fact]
    public async Task TryRead_ARegisterAsFloat_DeclinesAndTheGenericMappingMapsIt()
    {
        await using var rig = await new MeterRig().StartAsync(run: false);
        var mapper = new PushBodyMapper(MeterRig.Profile, PushLayout.Is15959SinglePhase);
        var plaintext = Decrypt(rig, Assert.Single(rig.Advance(TimeSpan.FromMinutes(15)), p => p.PushSetup == UsagePush));
        var notification = Assert.IsType<DataNotification>(ApduCodec.Decode(plaintext));
        var body = (CosemData.Structure)notification.NotificationBody;
        var last = body.Items.Length - 1;
        Assert.True(CosemNumbers.TryGetDecimal(body.Items[last], out var raw));
        var changed = notification with { NotificationBody = new CosemData.Structure(body.Items.SetItem(last, new CosemData.Float64((double)raw))) };
        var bytes = changed.ToArray();

        Assert.Null(mapper.Direct!.TryRead(bytes, rig.Meter, 1));
        Assert.NotNull(Generic(mapper, bytes, rig.Meter).Push);
    }

    [Fact]
    public async Task DecodeAsync_DirectPathOnOrOff_TheSameRecords()
    {
        await using var rig = await new MeterRig().StartAsync(run: false);
        using var generic = new DlmsPushDecoder(rig.Keyring, [MeterRig.Profile], new DlmsPushDecoderOptions { DirectUsagePath = false });
        var pushes = rig.Advance(TimeSpan.FromHours(3));
        Assert.Contains(pushes, p => p.PushSetup == UsagePush);
        foreach (var push in pushes)
        {
            var frame = rig.Frame(push.Apdu);
            Assert.Equal(HeaderInspection.Read, new DlmsSecuredApduInspector().Inspect(push.Apdu.Span, out var header));
            var direct = await rig.Decoder.DecodeAsync(frame, header, rig.Meter);
            var viaTree = await generic.DecodeAsync(frame, header, rig.Meter);

            AssertSame(viaTree, Assert.IsType<DecodedPush>(direct.Push));
        }
    }

    private static PushDecodeResult Generic(PushBodyMapper mapper, byte[] plaintext, Meters.Meter meter)
    {
        Apdu apdu;
        try
        {
            apdu = ApduCodec.Decode(plaintext);
        }
        catch (DlmsFormatException)
        {
            return PushDecodeResult.Refused(IngestRejectReason.Undecodable, "undecodable");
        }

        return apdu is DataNotification notification
            ? mapper.Map(notification, meter, 77, ReceivedAt)
            : PushDecodeResult.Refused(IngestRejectReason.Undecodable, "not a notification");
    }

    private static void AssertSame(PushDecodeResult generic, DecodedPush direct)
    {
        var expected = Assert.IsType<DecodedPush>(generic.Push);
        Assert.Equal(expected.Meter, direct.Meter);
        Assert.Equal(expected.InvocationCounter, direct.InvocationCounter);
        Assert.Equal(expected.Kind, direct.Kind);
        Assert.Equal(expected.IsPriority, direct.IsPriority);
        Assert.Equal<IntervalReading>(expected.Readings, direct.Readings);
        Assert.Empty(direct.BillingSnapshots);
        Assert.Empty(direct.Events);
        Assert.Equal(expected.BillingSnapshots, direct.BillingSnapshots);
        Assert.Equal(expected.Events, direct.Events);
    }

    private static byte[] Decrypt(MeterRig rig, PushMessage push)
    {
        using var cipher = new AesGcmCipher(rig.EncryptionKey, rig.AuthenticationKey);
        Assert.True(SecuredApduView.TryRead(push.Apdu.Span, out var view));
        var sender = Assert.IsType<SystemTitle>(view.SystemTitle);
        var plaintext = new byte[AesGcmCipher.GetPlaintextLength(view.CipheredContent)];
        Assert.True(cipher.TryUnprotect(view.CipheredContent, sender, plaintext, out var written));
        Assert.Equal(plaintext.Length, written);
        return plaintext;
    }
}
