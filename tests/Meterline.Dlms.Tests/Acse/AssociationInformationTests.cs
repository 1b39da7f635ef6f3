using Meterline.Dlms.Acse;

namespace Meterline.Dlms.Tests.Acse;

public class AssociationInformationTests
{
    [Theory]
    [InlineData(AcseVectors.InitiateRequestWithDedicatedKey, typeof(InitiateRequest))]
    [InlineData(AcseVectors.InitiateResponseSimple, typeof(InitiateResponse))]
    [InlineData(AcseVectors.ConfirmedServiceErrorVersionTooLow, typeof(ConfirmedServiceError))]
    public void DecodePlain_PlainForms_ReturnTypedApdu(string hex, Type expected)
    {
        var bytes = Convert.FromHexString(hex);
        var apdu = AssociationInformation.DecodePlain(bytes);

        Assert.IsType(expected, apdu);
        Assert.Equal(bytes, apdu.ToArray());
        Assert.False(AssociationInformation.IsCiphered(bytes));
    }

    [Theory]
    [InlineData("21")]
    [InlineData("28")]
    [InlineData("2E")]
    [InlineData("41")]
    [InlineData("48")]
    [InlineData("4E")]
    [InlineData("DB")]
    [InlineData("DC")]
    [InlineData("DD")]
    [InlineData("DF")]
    public void DecodePlain_CipheredForm_ThrowsUnsupported(string tag)
    {
        var bytes = Convert.FromHexString(tag + "3000");
        Assert.True(AssociationInformation.IsCiphered(bytes));
        var e = Assert.Throws<DlmsFormatException>(() => AssociationInformation.DecodePlain(bytes));
        Assert.Equal(DlmsErrorReason.Unsupported, e.Reason);
        Assert.Equal(0, e.Offset);
    }

    [Theory]
    [InlineData("", DlmsErrorReason.Truncated, 0)]
    [InlineData("C001", DlmsErrorReason.UnknownTag, 0)] // a GET-Request is not association information
    [InlineData("0E01060100", DlmsErrorReason.Malformed, 4)] // trailing octet
    [InlineData("0E0106", DlmsErrorReason.Truncated, 3)]
    public void DecodePlain_Invalid_ThrowsWithOffset(string hex, DlmsErrorReason reason, int offset)
    {
        var e = Assert.Throws<DlmsFormatException>(() => AssociationInformation.DecodePlain(Convert.FromHexString(hex)));
        Assert.Equal(reason, e.Reason);
        Assert.Equal(offset, e.Offset);
    }
}
