using Meterline.Dlms.Acse;

namespace Meterline.Dlms.Tests.Acse;

public class InitiateRequestTests
{
    private static readonly byte[] DedicatedKey = Convert.FromHexString("00112233445566778899AABBCCDDEEFF");

    private const Conformance LnConformance = (Conformance)0x007E1F;

    [Fact]
    public void Read_V4Plaintext_ParsesEveryField()
    {
        // V4 (test-vectors.md; u9n tests/test_xdlms/test_initiate.py test_decode_with_dedicated_key).
        var bytes = Convert.FromHexString(AcseVectors.InitiateRequestWithDedicatedKey);
        var request = AcseTestCodec.Decode(InitiateRequest.Read, bytes);

        Assert.Equal(DedicatedKey, request.DedicatedKey?.ToArray());
        Assert.True(request.ResponseAllowed);
        Assert.Null(request.ProposedQualityOfService);
        Assert.Equal(6, request.ProposedDlmsVersionNumber);
        Assert.Equal(LnConformance, request.ProposedConformance);
        Assert.Equal(0x04B0, request.ClientMaxReceivePduSize);
        Assert.Equal(bytes, request.ToArray());
    }

    [Fact]
    public void Read_NoDedicatedKey_ParsesAndReencodes()
    {
        // u9n tests/test_xdlms/test_initiate.py test_parse_simple.
        var bytes = Convert.FromHexString(AcseVectors.InitiateRequestSimple);
        var request = AcseTestCodec.Decode(InitiateRequest.Read, bytes);

        Assert.Equal(
            new InitiateRequest { ProposedConformance = LnConformance, ClientMaxReceivePduSize = 1200 },
            request);
        Assert.Equal(bytes, request.ToArray());
    }

    public static TheoryData<InitiateRequest, string> Encodings() => new()
    {
        { new InitiateRequest { ProposedConformance = LnConformance, ClientMaxReceivePduSize = 1200 }, AcseVectors.InitiateRequestSimple },
        {
            new InitiateRequest { DedicatedKey = DedicatedKey, ProposedConformance = LnConformance, ClientMaxReceivePduSize = 1200 },
            AcseVectors.InitiateRequestWithDedicatedKey
        },
        {
            // response-allowed FALSE is sent as 01 00; quality of service present as 01 vv.
            new InitiateRequest
            {
                ResponseAllowed = false,
                ProposedQualityOfService = -2,
                ProposedDlmsVersionNumber = 6,
                ProposedConformance = Conformance.Get,
                ClientMaxReceivePduSize = 0xFFFF,
            },
            "01000100" + "01FE" + "06" + "5F1F04000000" + "10" + "FFFF"
        },
        {
            new InitiateRequest
            {
                DedicatedKey = new byte[32],
                ResponseAllowed = false,
                ProposedQualityOfService = 0,
                ProposedDlmsVersionNumber = 5,
                ProposedConformance = Conformance.None,
                ClientMaxReceivePduSize = 0,
            },
            "010120" + new string('0', 64) + "0100" + "0100" + "05" + "5F1F0400000000" + "0000"
        },
    };

    [Theory]
    [MemberData(nameof(Encodings))]
    public void RoundTrip_OptionalFieldsPresentAndAbsent_ReencodesIdentically(InitiateRequest request, string hex)
    {
        var bytes = request.ToArray();
        Assert.Equal(hex, Convert.ToHexString(bytes));

        var decoded = AcseTestCodec.Decode(InitiateRequest.Read, bytes);
        Assert.Equal(request, decoded);
        Assert.Equal(bytes, decoded.ToArray());
    }

    [Fact]
    public void Read_ExplicitResponseAllowedTrue_IsAccepted()
    {
        // DEFAULT TRUE sent explicitly (01 FF) means the same as 00.
        var request = AcseTestCodec.Decode(InitiateRequest.Read, Convert.FromHexString("010001FF00065F1F0400007E1F04B0"));
        Assert.True(request.ResponseAllowed);
    }

    [Theory]
    [InlineData("02000000065F1F0400007E1F04B0", DlmsErrorReason.UnknownTag, 0)]
    [InlineData("01020000065F1F0400007E1F04B0", DlmsErrorReason.Malformed, 1)] // usage flag 2
    [InlineData("0100FF00065F1F0400007E1F04B0", DlmsErrorReason.Malformed, 2)]
    [InlineData("01000080065F1F0400007E1F04B0", DlmsErrorReason.Malformed, 3)]
    [InlineData("010184FFFFFFFF00", DlmsErrorReason.LengthOutOfRange, 2)] // key length 2^32 - 1
    [InlineData("0101847FFFFFFF00", DlmsErrorReason.LengthOutOfRange, 2)]
    [InlineData("01018500000000", DlmsErrorReason.LengthOutOfRange, 2)] // five length octets
    [InlineData("0101100011", DlmsErrorReason.LengthOutOfRange, 2)]
    [InlineData("01000000065F1F0401007E1F04B0", DlmsErrorReason.Malformed, 8)] // conformance unused bits
    [InlineData("0100000006041F0400007E1F04B0", DlmsErrorReason.UnknownTag, 5)]
    public void Read_Malformed_ThrowsWithOffsetAndDoesNotAdvance(string hex, DlmsErrorReason reason, int offset)
    {
        AcseTestCodec.AssertFails(InitiateRequest.Read, hex, reason, offset);
    }

    [Fact]
    public void ToString_WithDedicatedKey_RedactsKey()
    {
        var request = new InitiateRequest { DedicatedKey = DedicatedKey, ProposedConformance = LnConformance };
        var text = request.ToString();

        Assert.Contains("redacted, 16 bytes", text, StringComparison.Ordinal);
        Assert.DoesNotContain("00112233", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("AABB", text, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("ClientMaxReceivePduSize", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Equals_ComparesKeyContents()
    {
        var a = new InitiateRequest { DedicatedKey = DedicatedKey };
        var b = new InitiateRequest { DedicatedKey = (byte[])DedicatedKey.Clone() };
        var c = new InitiateRequest { DedicatedKey = new byte[16] };

        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, c);
        Assert.NotEqual(a, new InitiateRequest());
    }

    [Fact]
    public void DedicatedKey_CallerArrayChangedLater_RecordKeepsItsCopy()
    {
        var key = (byte[])DedicatedKey.Clone();
        var request = new InitiateRequest { DedicatedKey = key };
        key[0] = 0xFF;

        Assert.Equal(DedicatedKey, request.DedicatedKey?.ToArray());
    }
}
