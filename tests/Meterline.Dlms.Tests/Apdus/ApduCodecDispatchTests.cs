using Meterline.Dlms.Acse;
using Meterline.Dlms.Apdus;

namespace Meterline.Dlms.Tests.Apdus;

/// <summary>The central codec reaches every family of APDU: xDLMS services, ACSE and the xDLMS initiate APDUs.</summary>
public class ApduCodecDispatchTests
{
    [Theory]
    // V8 (u9n tests/test_asce/test_aarq.py): AARQ with LLS and ciphered user-information.
    [InlineData("6066A109060760857405080103A60A04084D4D4D0000BC614E8A0207808B0760857405080201AC0A80083132333435363738BE34043221303001234567801302FF8A7874133D414CED25B42534D28DB0047720606B175BD52211BE6841DB204D39EE6FDB8E356855", typeof(Aarq))]
    // AARE accepting LN without ciphering (u9n tests/test_asce/test_aare.py).
    [InlineData("6129A109060760857405080101A203020100A305A103020100BE10040E0800065F1F040000101D04000007", typeof(Aare))]
    // V4 plaintext InitiateRequest.
    [InlineData("01011000112233445566778899AABBCCDDEEFF0000065F1F0400007E1F04B0", typeof(InitiateRequest))]
    [InlineData("0800065F1F040000101D04000007", typeof(InitiateResponse))]
    [InlineData("C0010000080000010000FF0200", typeof(GetRequestNormal))]
    // V1: glo-get-request, authenticated and encrypted (u9n tests/test_security.py; jDLMS CipheringTest.java).
    [InlineData("C81E3001234567411312FF935A47566827C467BC7D825C3BE4A77C3FCC056B6B", typeof(Meterline.Dlms.Security.CipheredApdu))]
    // V4: glo-initiate-request.
    [InlineData("21303001234567801302FF8A7874133D414CED25B42534D28DB0047720606B175BD52211BE6841DB204D39EE6FDB8E356855", typeof(Meterline.Dlms.Security.CipheredApdu))]
    public void Decode_AnyFamily_ReachesItsRecordAndReencodes(string hex, Type expected)
    {
        var bytes = Convert.FromHexString(hex);
        var apdu = ApduCodec.Decode(bytes);
        Assert.IsType(expected, apdu);
        Assert.Equal(hex, Convert.ToHexString(ApduCodec.Encode(apdu)));
    }
}
