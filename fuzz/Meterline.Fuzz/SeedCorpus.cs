using System.Text;
using Meterline.Dlms.Apdus;
using Meterline.Dlms.Cosem;
using Meterline.Dlms.Wrapper;
using Meterline.HeadEnd.Dlms.Ingest;

namespace Meterline.Fuzz;

/// <summary>
/// The starting corpus of each target: the published vectors of shared/reference/test-vectors.md (Green Book
/// ciphering and AARQ examples, HDLC SNRM/UA, XBee frames, the wrapper header) and pushes shaped like the simulated
/// meter's (the IS 15959 usage and alert pushes of <see cref="PushLayout.Is15959SinglePhase"/>).
/// </summary>
internal static class SeedCorpus
{
    private const string GetClock = "C0010000080000010000FF0200";
    private const string GloGetClock = "C81E3001234567411312FF935A47566827C467BC7D825C3BE4A77C3FCC056B6B";
    private const string GloInitiate = "21303001234567801302FF8A7874133D414CED25B42534D28DB0047720606B175BD52211BE6841DB204D39EE6FDB8E356855";
    private const string Aarq = "6066A109060760857405080103A60A04084D4D4D0000BC614E8A0207808B0760857405080201AC0A80083132333435363738BE34043221303001234567801302FF8A7874133D414CED25B42534D28DB0047720606B175BD52211BE6841DB204D39EE6FDB8E356855";
    private const string Snrm = "7EA00802232193BD647E";
    private const string Ua = "7EA01F21022373E6C781801205019A06019A070400000001080400000001CCA27E";

    private static readonly DateTimeOffset At = new(2026, 3, 1, 12, 30, 0, TimeSpan.FromHours(5.5));

    public static IReadOnlyDictionary<string, IReadOnlyList<byte[]>> Build()
    {
        var usage = ApduCodec.Encode(UsagePush());
        var alert = ApduCodec.Encode(AlertPush());
        return new Dictionary<string, IReadOnlyList<byte[]>>(StringComparer.Ordinal)
        {
            ["axdr"] = [CosemDataCodec.Encode(SampleData()), CosemDataCodec.Encode(UsagePush().NotificationBody), CosemDataCodec.Encode(AlertPush().NotificationBody), Hex("1100"), Hex("0906000001 0000FF".Replace(" ", "", StringComparison.Ordinal))],
            ["apdu"] = [Hex(GetClock), Hex(GloGetClock), Hex(GloInitiate), Hex(Aarq), Hex("01011000112233445566778899AABBCCDDEEFF0000065F1F0400007E1F04B0"), usage, alert],
            ["hdlc"] = [[0, .. Hex(Snrm)], [0, .. Hex(Ua)], [3, .. Hex(Snrm), .. Hex(Ua)]],
            ["wrapper"] = [Wrap(Hex(GetClock)), Wrap(usage), [.. Wrap(Hex(GetClock)), .. Wrap(alert)]],
            ["xbee"] = [[0, .. Hex("7E000408014E495F")], [5, .. Hex("7E001210010013A20040A1B2C3FFFE00007E7D1113C7")], [0x80, .. Hex("7E00121001007D33A20040A1B2C3FFFE00007D5E7D5D7D317D33C7")]],
            ["coap"] = [Hex("440112 34AABBCCDDB27570FF010203".Replace(" ", "", StringComparison.Ordinal)), Hex("60451234"), Hex("5202ABCD0102B275703D0362617262060A")],
            ["mqtt"] = [Wrap(usage), Wrap(alert), Wrap(Hex(GloGetClock))],
            ["mqtt-guard"] = [[0, .. Hex("101000044D5154540402003C000474657374"), .. Hex("300700027570010203"), .. Hex("C000")], [4, .. Hex("101000044D5154540402003C000474657374"), .. Hex("C000")]],
        };
    }

    public static void Write(string directory)
    {
        foreach (var (target, seeds) in Build())
        {
            var folder = Path.Combine(directory, target);
            Directory.CreateDirectory(folder);
            for (var i = 0; i < seeds.Count; i++)
            {
                File.WriteAllBytes(Path.Combine(folder, $"seed-{i:D2}"), seeds[i]);
            }
        }
    }

    private static byte[] Hex(string hex) => Convert.FromHexString(hex);

    private static byte[] Wrap(byte[] apdu) => new WrapperFrame(0x0001, 0x0001, apdu).ToArray();

    private static CosemData Obis(ObisCode code) => new CosemData.OctetString(new byte[] { code.A, code.B, code.C, code.D, code.E, code.F });

    private static CosemData Clock(DateTimeOffset at) => new CosemData.OctetString(CosemDateTime.FromDateTimeOffset(at).ToArray());

    private static CosemData SampleData() => new CosemData.Structure(
        Obis(ObisCode.Clock),
        new CosemData.DoubleLongUnsigned(123_456),
        new CosemData.Long(-3),
        new CosemData.VisibleString("MTR00000001"),
        new CosemData.Array(new CosemData.Structure(new CosemData.Unsigned(1), new CosemData.LongUnsigned(230))),
        new CosemData.DateTime(CosemDateTime.FromDateTimeOffset(At)),
        new CosemData.Enum(27),
        new CosemData.BitString(new byte[] { 0xA0 }, 3),
        new CosemData.Boolean(true));

    private static DataNotification UsagePush() => new(
        new LongInvokeIdAndPriority(7, confirmed: false, highPriority: false),
        CosemDateTime.FromDateTimeOffset(At),
        new CosemData.Structure(
            Obis(PushLayout.UsagePush),
            new CosemData.OctetString(Encoding.ASCII.GetBytes("MTR00000001")),
            new CosemData.Array(
                new CosemData.Structure(Clock(At.AddMinutes(-30)), new CosemData.LongUnsigned(2301), new CosemData.LongUnsigned(512), new CosemData.DoubleLongUnsigned(120), new CosemData.DoubleLongUnsigned(0)),
                new CosemData.Structure(Clock(At), new CosemData.LongUnsigned(2298), new CosemData.LongUnsigned(498), new CosemData.DoubleLongUnsigned(118), new CosemData.DoubleLongUnsigned(0))),
            new CosemData.DoubleLongUnsigned(1_234_567),
            new CosemData.DoubleLongUnsigned(0)));

    private static DataNotification AlertPush() => new(
        new LongInvokeIdAndPriority(8, confirmed: false, highPriority: true),
        null,
        new CosemData.Structure(
            Obis(PushLayout.AlertPush),
            new CosemData.OctetString(Encoding.ASCII.GetBytes("MTR00000001")),
            Clock(At),
            new CosemData.LongUnsigned(201),
            new CosemData.LongUnsigned(2300),
            new CosemData.DoubleLongUnsigned(512),
            new CosemData.DoubleLongUnsigned(500),
            new CosemData.LongUnsigned(0),
            new CosemData.DoubleLongUnsigned(1_234_567)));
}
