using System.Buffers;
using Meterline.Dlms.Acse;

namespace Meterline.Dlms.Tests.Acse;

public class DlmsObjectIdentifierTests
{
    // Green Book, COSEM application context names: 2.16.756.5.8.1.N, encoded 60 85 74 05 08 01 0N.
    [Theory]
    [InlineData(ApplicationContextName.LogicalNameReferencingNoCiphering, "60857405080101")]
    [InlineData(ApplicationContextName.ShortNameReferencingNoCiphering, "60857405080102")]
    [InlineData(ApplicationContextName.LogicalNameReferencingWithCiphering, "60857405080103")]
    [InlineData(ApplicationContextName.ShortNameReferencingWithCiphering, "60857405080104")]
    public void ApplicationContextName_Encoding_MatchesGreenBook(ApplicationContextName name, string content)
    {
        var buffer = new ArrayBufferWriter<byte>();
        AcseFields.WriteApplicationContextName(new BerWriter(buffer), 1, name);

        Assert.Equal("A1090607" + content, Convert.ToHexString(buffer.WrittenSpan));
        var reader = new BerReader(buffer.WrittenSpan);
        Assert.Equal(name, AcseFields.ReadApplicationContextName(ref reader, 1));
    }

    // Green Book, COSEM authentication mechanism names: 2.16.756.5.8.2.N, encoded 60 85 74 05 08 02 0N.
    [Theory]
    [InlineData(AuthenticationMechanism.Lowest, "60857405080200")]
    [InlineData(AuthenticationMechanism.Low, "60857405080201")]
    [InlineData(AuthenticationMechanism.High, "60857405080202")]
    [InlineData(AuthenticationMechanism.HighMd5, "60857405080203")]
    [InlineData(AuthenticationMechanism.HighSha1, "60857405080204")]
    [InlineData(AuthenticationMechanism.HighGmac, "60857405080205")]
    [InlineData(AuthenticationMechanism.HighSha256, "60857405080206")]
    [InlineData(AuthenticationMechanism.HighEcdsa, "60857405080207")]
    public void MechanismName_Encoding_MatchesGreenBook(AuthenticationMechanism mechanism, string content)
    {
        var buffer = new ArrayBufferWriter<byte>();
        AcseFields.WriteMechanismName(new BerWriter(buffer), 11, mechanism);

        Assert.Equal("8B07" + content, Convert.ToHexString(buffer.WrittenSpan));
        var reader = new BerReader(buffer.WrittenSpan);
        Assert.Equal(mechanism, AcseFields.ReadMechanismName(ref reader, 11));
    }

    [Fact]
    public void ReadApplicationContextName_UnlistedIdInDlmsArc_IsCarried()
    {
        var reader = new BerReader(Convert.FromHexString("A10906076085740508017F"));
        var name = AcseFields.ReadApplicationContextName(ref reader, 1);

        Assert.Equal(127, (int)name);
        Assert.False(Enum.IsDefined(name));
    }

    [Theory]
    [InlineData("A10506032A0304")] // 1.2.3.4, outside the DLMS UA arc
    [InlineData("A109060760857405080201")] // a mechanism name where a context name belongs
    [InlineData("A10A0608608574050801010A")] // one arc too many
    [InlineData("A109060760857405080181")] // id arc with a continuation bit
    [InlineData("A1080606608574050801")] // no id arc
    public void ReadApplicationContextName_OtherIdentifier_ThrowsUnknownTag(string hex)
    {
        var bytes = Convert.FromHexString(hex);
        var e = Assert.Throws<DlmsFormatException>(() =>
        {
            var reader = new BerReader(bytes);
            AcseFields.ReadApplicationContextName(ref reader, 1);
        });
        Assert.Equal(DlmsErrorReason.UnknownTag, e.Reason);
        Assert.Equal(2, e.Offset);
    }

    [Fact]
    public void ReadMechanismName_ApplicationContextIdentifier_ThrowsUnknownTag()
    {
        var e = Assert.Throws<DlmsFormatException>(() =>
        {
            var reader = new BerReader(Convert.FromHexString("8B0760857405080101"));
            AcseFields.ReadMechanismName(ref reader, 11);
        });
        Assert.Equal(DlmsErrorReason.UnknownTag, e.Reason);
        Assert.Equal(0, e.Offset);
    }
}
