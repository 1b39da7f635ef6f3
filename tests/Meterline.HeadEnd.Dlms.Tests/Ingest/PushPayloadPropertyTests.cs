using Meterline.Dlms;
using Meterline.Dlms.Apdus;
using Meterline.Dlms.Tests.Support;
using Meterline.Dlms.Wrapper;
using Meterline.HeadEnd.Dlms.Ingest;
using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.Dlms.Tests.Ingest;

/// <summary>
/// The mqtt fuzz target's properties (docs/fuzzing.md) on 10,000 deterministic mutations of wrapped pushes: an MQTT
/// uplink payload goes through the wrapper, the secured-header inspection, the APDU decoder and the push mapping of
/// the IS 15959 profile, and is accepted or refused with a reason — never an exception other than the decoders'
/// documented <see cref="DlmsFormatException"/>.
/// </summary>
public class PushPayloadPropertyTests
{
    [Fact]
    public async Task MqttPayload_MutatedPushes_MapOrRefuseWithoutException()
    {
        byte[][] seeds =
        [
            Convert.FromHexString("00010001000100750F000000070C07EA0301070C1E0000FEB600020509060000190900FF090B4D5452303030303030303101020205090C07EA0301070C000000FEB6001208FD120200060000007806000000000205090C07EA0301070C1E0000FEB6001208FA1201F206000000760600000000060012D6870600000000"),
            Convert.FromHexString("00010001000100430F8000000800020909060004190900FF090B4D54523030303030303031090C07EA0301070C1E0000FEB6001200C91208FC060000020006000001F4120000060012D687"),
            Convert.FromHexString("0001000100010020C81E3001234567411312FF935A47566827C467BC7D825C3BE4A77C3FCC056B6B"),
        ];
        var mapper = new PushBodyMapper(MeterRig.Profile, PushLayout.Is15959SinglePhase);
        var meter = new Meters.Meter(new MeterId(1), "MTR00000001", new MeterSystemTitle(0x4D4D4D0000BC614E), MeterRig.Profile.Id, null, null, null, null, null,
            SecurityLevel.AuthenticatedEncrypted, default, default, null, KeyStatus.Active, 1);
        var inspector = new DlmsSecuredApduInspector();
        var mapped = 0;
        await InputMutator.CheckAsync(seeds, payload =>
        {
            WrapperFrame frame;
            Apdu apdu;
            try
            {
                frame = WrapperFrame.DecodeDatagram(payload);
                _ = inspector.Inspect(frame.Apdu.Span, out _);
                apdu = ApduCodec.Decode(frame.Apdu.Span);
            }
            catch (DlmsFormatException)
            {
                return;
            }

            if (apdu is DataNotification notification)
            {
                var result = mapper.Map(notification, meter, 1, new DateTimeOffset(2026, 3, 1, 7, 0, 0, TimeSpan.Zero));
                Assert.True(result.Push is not null || result.Reason != default || result.Detail is not null);
                mapped += result.Push is null ? 0 : 1;
            }
        }, seed: 4001);
        Assert.True(mapped > 0, "no mutated push mapped: the seeds no longer fit the layout");
    }
}
