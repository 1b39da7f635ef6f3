using Meterline.Dlms.Acse;

namespace Meterline.Dlms.Tests.Acse;

public class ReleaseTests
{
    [Fact]
    public void RlrqRead_Normal_ParsesReason()
    {
        // u9n tests/test_asce/test_rlrq.py test_simple.
        var bytes = Convert.FromHexString(AcseVectors.RlrqNormal);
        var rlrq = AcseTestCodec.Decode(Rlrq.Read, bytes);

        Assert.Equal(ReleaseRequestReason.Normal, rlrq.Reason);
        Assert.Null(rlrq.UserInformation);
        Assert.Null(rlrq.DecodeUserInformation());
        Assert.Equal(bytes, rlrq.ToArray());
    }

    [Fact]
    public void RlrqRead_CipheredInitiateRequest_KeepsUserInformation()
    {
        // u9n tests/test_asce/test_rlrq.py test_with_ciphered_initiate_request: user-information = V4.
        var bytes = Convert.FromHexString(AcseVectors.RlrqCiphered);
        var rlrq = AcseTestCodec.Decode(Rlrq.Read, bytes);

        Assert.Equal(ReleaseRequestReason.Normal, rlrq.Reason);
        Assert.Equal(Convert.FromHexString(AcseVectors.GloInitiateRequest), rlrq.UserInformation?.ToArray());
        Assert.True(rlrq.IsUserInformationCiphered);
        Assert.Equal(bytes, rlrq.ToArray());
    }

    [Fact]
    public void RlreRead_Normal_ParsesReason()
    {
        // u9n tests/test_asce/test_rlre.py test_simple.
        var bytes = Convert.FromHexString(AcseVectors.RlreNormal);
        var rlre = AcseTestCodec.Decode(Rlre.Read, bytes);

        Assert.Equal(ReleaseResponseReason.Normal, rlre.Reason);
        Assert.Null(rlre.UserInformation);
        Assert.Equal(bytes, rlre.ToArray());
    }

    [Fact]
    public void RlreRead_WithInitiateResponse_DecodesIt()
    {
        // u9n tests/test_asce/test_rlre.py test_with_initiate_response.
        var bytes = Convert.FromHexString(AcseVectors.RlreWithInitiateResponse);
        var rlre = AcseTestCodec.Decode(Rlre.Read, bytes);

        var response = Assert.IsType<InitiateResponse>(rlre.DecodeUserInformation());
        Assert.Equal((sbyte)0, response.NegotiatedQualityOfService);
        Assert.Equal(0x04C8, response.ServerMaxReceivePduSize);
        Assert.Equal(bytes, rlre.ToArray());
    }

    [Fact]
    public void RlreRead_CipheredInitiateResponse_IsCiphered()
    {
        // u9n tests/test_asce/test_rlre.py test_with_ciphered_initiate_response (glo-initiate-response 0x28).
        var bytes = Convert.FromHexString(AcseVectors.RlreCiphered);
        var rlre = AcseTestCodec.Decode(Rlre.Read, bytes);

        Assert.True(rlre.IsUserInformationCiphered);
        Assert.Equal(0x28, rlre.UserInformation!.Value.Span[0]);
        Assert.Equal(bytes, rlre.ToArray());
    }

    [Theory]
    [InlineData(null, null, "6200")]
    [InlineData(ReleaseRequestReason.Urgent, null, "6203800101")]
    [InlineData(ReleaseRequestReason.UserDefined, null, "620380011E")]
    [InlineData(null, "0E010601", "6208BE0604040E010601")]
    [InlineData(ReleaseRequestReason.Normal, "0E010601", "620B800100BE0604040E010601")]
    public void Rlrq_RoundTrip_OptionalFieldsPresentAndAbsent(ReleaseRequestReason? reason, string? userInformation, string hex)
    {
        var rlrq = new Rlrq
        {
            Reason = reason,
            UserInformation = userInformation is null ? default(ReadOnlyMemory<byte>?) : Convert.FromHexString(userInformation),
        };

        Assert.Equal(hex, Convert.ToHexString(rlrq.ToArray()));
        var decoded = AcseTestCodec.Decode(Rlrq.Read, Convert.FromHexString(hex));
        Assert.Equal(rlrq, decoded);
    }

    [Theory]
    [InlineData(null, null, "6300")]
    [InlineData(ReleaseResponseReason.NotFinished, null, "6303800101")]
    [InlineData(ReleaseResponseReason.UserDefined, null, "630380011E")]
    [InlineData(null, AcseVectors.InitiateResponseSimple, "6312BE10040E0800065F1F040000501F01F40007")]
    [InlineData(ReleaseResponseReason.Normal, AcseVectors.InitiateResponseWithQuality, AcseVectors.RlreWithInitiateResponse)]
    public void Rlre_RoundTrip_OptionalFieldsPresentAndAbsent(ReleaseResponseReason? reason, string? userInformation, string hex)
    {
        var rlre = new Rlre
        {
            Reason = reason,
            UserInformation = userInformation is null ? default(ReadOnlyMemory<byte>?) : Convert.FromHexString(userInformation),
        };

        Assert.Equal(hex, Convert.ToHexString(rlre.ToArray()));
        var decoded = AcseTestCodec.Decode(Rlre.Read, Convert.FromHexString(hex));
        Assert.Equal(rlre, decoded);
    }

    [Theory]
    [InlineData("6203800102", DlmsErrorReason.UnknownTag, 2)] // 2 is not a Release-request-reason
    [InlineData("620380011F", DlmsErrorReason.UnknownTag, 2)]
    [InlineData("6203A00100", DlmsErrorReason.Malformed, 2)] // reason must be primitive
    [InlineData("6206800100800100", DlmsErrorReason.Malformed, 5)] // repeated
    [InlineData("6209BE0604040E010601", DlmsErrorReason.LengthOutOfRange, 1)]
    [InlineData("620BBE0604040E010601800100", DlmsErrorReason.Malformed, 10)] // out of order
    [InlineData("6203020100", DlmsErrorReason.UnknownTag, 2)] // universal INTEGER where a field belongs
    [InlineData("630380010100", DlmsErrorReason.UnknownTag, 0)] // an RLRE is not an RLRQ
    public void RlrqRead_Malformed_ThrowsWithOffset(string hex, DlmsErrorReason reason, int offset)
    {
        AcseTestCodec.AssertFails(Rlrq.Read, hex, reason, offset);
    }

    [Theory]
    [InlineData("6303800102", DlmsErrorReason.UnknownTag, 2)]
    [InlineData("6203800100", DlmsErrorReason.UnknownTag, 0)]
    [InlineData("6305BE03040200", DlmsErrorReason.LengthOutOfRange, 5)]
    [InlineData("6306BE0404010000", DlmsErrorReason.Malformed, 7)] // trailing octet inside [30]
    public void RlreRead_Malformed_ThrowsWithOffset(string hex, DlmsErrorReason reason, int offset)
    {
        AcseTestCodec.AssertFails(Rlre.Read, hex, reason, offset);
    }

    [Fact]
    public void Read_UnknownFieldBetweenReasonAndUserInformation_IsSkipped()
    {
        // [13] aso-qualifier of ISO/IEC 8650-1, not used by DLMS.
        var rlre = AcseTestCodec.Decode(Rlre.Read, Convert.FromHexString("6308800100AD03020101"));
        Assert.Equal(new Rlre { Reason = ReleaseResponseReason.Normal }, rlre);
    }
}
