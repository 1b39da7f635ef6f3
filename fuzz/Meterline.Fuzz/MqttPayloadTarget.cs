using Meterline.Dlms;
using Meterline.Dlms.Apdus;
using Meterline.Dlms.Profiles;
using Meterline.Dlms.Wrapper;
using Meterline.HeadEnd.Dlms.Ingest;
using Meterline.HeadEnd.Meters;

namespace Meterline.Fuzz;

/// <summary>
/// The MQTT uplink path from payload to readings, as <c>MqttUplinkHandler</c> and the ingest pipeline run it: the
/// payload is a wrapper frame (<see cref="WrapperFrame.DecodeDatagram"/>), its APDU's secured header is inspected
/// (<see cref="DlmsSecuredApduInspector"/>), and the DataNotification is mapped to records by the profile's
/// <see cref="PushBodyMapper"/>. Only the AES-GCM step is left out: the fuzzer cannot forge tags, so the APDU is
/// mapped as if it were the plaintext the tag verified. Refusals are results, never exceptions.
/// </summary>
internal static class MqttPayloadTarget
{
    private static readonly DlmsSecuredApduInspector Inspector = new();
    private static readonly Lazy<(PushBodyMapper Mapper, Meter Meter)> Mapping = new(Create);

    public static void Run(byte[] payload)
    {
        WrapperFrame frame;
        try
        {
            frame = WrapperFrame.DecodeDatagram(payload);
        }
        catch (DlmsFormatException)
        {
            return;
        }

        _ = Inspector.Inspect(frame.Apdu.Span, out _);
        Apdu apdu;
        try
        {
            apdu = ApduCodec.Decode(frame.Apdu.Span);
        }
        catch (DlmsFormatException)
        {
            return;
        }

        if (apdu is DataNotification notification)
        {
            var (mapper, meter) = Mapping.Value;
            _ = mapper.Map(notification, meter, 1, new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        }
    }

    private static (PushBodyMapper, Meter) Create()
    {
        var profile = MeterProfile.Load(Path.Combine(AppContext.BaseDirectory, "profiles", "is15959-single-phase.json"));
        var meter = new Meter(new MeterId(1), "MTR00000001", new MeterSystemTitle(0x4D4D4D0000BC614E), profile.Id, null, null, null, null, null,
            SecurityLevel.AuthenticatedEncrypted, default, default, null, KeyStatus.Active, 1);
        return (new PushBodyMapper(profile, PushLayout.Is15959SinglePhase), meter);
    }
}
