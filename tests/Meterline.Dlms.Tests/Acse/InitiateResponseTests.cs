using Meterline.Dlms.Acse;

namespace Meterline.Dlms.Tests.Acse;

public class InitiateResponseTests
{
    public static TheoryData<string, InitiateResponse> PublishedVectors() => new()
    {
        {
            // u9n tests/test_xdlms/test_initiate.py test_parse_simple (Green Book example).
            AcseVectors.InitiateResponseSimple,
            new InitiateResponse
            {
                NegotiatedDlmsVersionNumber = 6,
                NegotiatedConformance = Conformance.PriorityMgmtSupported | Conformance.BlockTransferWithGetOrRead |
                    Conformance.Get | Conformance.Set | Conformance.SelectiveAccess |
                    Conformance.EventNotification | Conformance.Action,
                ServerMaxReceivePduSize = 500,
                VaaName = InitiateResponse.LogicalNameVaaName,
            }
        },
        {
            // u9n tests/test_xdlms/test_initiate.py test_decode_with_non_default_quality.
            AcseVectors.InitiateResponseWithQuality,
            new InitiateResponse
            {
                NegotiatedQualityOfService = 0,
                NegotiatedConformance = (Conformance)0x001E1D,
                ServerMaxReceivePduSize = 0x04C8,
            }
        },
        {
            // SN referencing, vaa-name 0xFA00 (the InitiateResponse of AcseVectors.AareShortName, assembled by hand).
            "0800065F1F04001802200960FA00",
            new InitiateResponse
            {
                NegotiatedConformance = Conformance.Read | Conformance.Write | Conformance.MultipleReferences |
                    Conformance.ParameterizedAccess,
                ServerMaxReceivePduSize = 0x0960,
                VaaName = InitiateResponse.ShortNameVaaName,
            }
        },
    };

    [Theory]
    [MemberData(nameof(PublishedVectors))]
    public void Read_PublishedVector_ParsesAndReencodes(string hex, InitiateResponse expected)
    {
        var bytes = Convert.FromHexString(hex);
        var response = AcseTestCodec.Decode(InitiateResponse.Read, bytes);

        Assert.Equal(expected, response);
        Assert.Equal(bytes, response.ToArray());
    }

    [Fact]
    public void Read_ShortNameConformance_HasReadWriteBits()
    {
        var response = AcseTestCodec.Decode(InitiateResponse.Read, Convert.FromHexString("0800065F1F04001802200960FA00"));
        Assert.Equal(0x180220u, (uint)response.NegotiatedConformance);
        Assert.True(response.NegotiatedConformance.HasFlag(Conformance.Read));
        Assert.False(response.NegotiatedConformance.HasFlag(Conformance.Get));
    }

    [Theory]
    [InlineData(null)]
    [InlineData((sbyte)-128)]
    [InlineData((sbyte)127)]
    public void RoundTrip_QualityOfServicePresentAndAbsent_ReencodesIdentically(sbyte? quality)
    {
        var response = new InitiateResponse
        {
            NegotiatedQualityOfService = quality,
            NegotiatedConformance = (Conformance)0xFFFFFF,
            ServerMaxReceivePduSize = 0xFFFF,
            VaaName = 0x1234,
        };
        var bytes = response.ToArray();
        var expectedPrefix = quality is { } q ? "0801" + ((byte)q).ToString("X2", null) : "0800";
        Assert.Equal(expectedPrefix + "065F1F0400FFFFFFFFFF1234", Convert.ToHexString(bytes));

        var decoded = AcseTestCodec.Decode(InitiateResponse.Read, bytes);
        Assert.Equal(response, decoded);
        Assert.Equal(bytes, decoded.ToArray());
    }

    [Theory]
    [InlineData("0900065F1F040000501F01F40007", DlmsErrorReason.UnknownTag, 0)]
    [InlineData("0802065F1F040000501F01F40007", DlmsErrorReason.Malformed, 1)]
    [InlineData("080006041F040000501F01F40007", DlmsErrorReason.UnknownTag, 3)]
    [InlineData("0800065F1F840000501F01F40007", DlmsErrorReason.LengthOutOfRange, 5)]
    [InlineData("0800065F1F040000501F01F400", DlmsErrorReason.Truncated, 12)]
    public void Read_Malformed_ThrowsWithOffsetAndDoesNotAdvance(string hex, DlmsErrorReason reason, int offset)
    {
        AcseTestCodec.AssertFails(InitiateResponse.Read, hex, reason, offset);
    }
}
