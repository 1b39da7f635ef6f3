using System.Text;
using Meterline.Dlms.Acse;

namespace Meterline.Dlms.Tests.Acse;

public class AarqTests
{
    private static readonly byte[] ServerSystemTitle = Convert.FromHexString("4D4D4D0000BC614E");

    [Fact]
    public void Read_V8_ParsesEveryFieldAndReencodesIdentically()
    {
        // V8 (test-vectors.md; u9n tests/test_asce/test_aarq.py test_parse_ciphered_low_security2).
        var bytes = Convert.FromHexString(AcseVectors.AarqCipheredLls);
        var aarq = AcseTestCodec.Decode(Aarq.Read, bytes);

        Assert.Equal(ApplicationContextName.LogicalNameReferencingWithCiphering, aarq.ApplicationContextName);
        Assert.Equal(ServerSystemTitle, aarq.CallingApTitle?.ToArray());
        Assert.Equal(AcseRequirements.Authentication, aarq.SenderAcseRequirements);
        Assert.Equal(AuthenticationMechanism.Low, aarq.MechanismName);
        Assert.Equal(AuthenticationValue.CharString("12345678"u8), aarq.CallingAuthenticationValue);
        Assert.Equal(Convert.FromHexString(AcseVectors.GloInitiateRequest), aarq.UserInformation?.ToArray());
        Assert.True(aarq.IsUserInformationCiphered);
        Assert.Null(aarq.ProtocolVersion);
        Assert.Null(aarq.CalledApTitle);
        Assert.Null(aarq.CallingAeQualifier);
        Assert.Null(aarq.CallingAeInvocationId);
        Assert.Null(aarq.ImplementationInformation);
        Assert.Equal(bytes, aarq.ToArray());
    }

    [Fact]
    public void DecodeUserInformation_V8_IsCipheredSoRefused()
    {
        var aarq = AcseTestCodec.Decode(Aarq.Read, Convert.FromHexString(AcseVectors.AarqCipheredLls));
        var e = Assert.Throws<DlmsFormatException>(aarq.DecodeUserInformation);
        Assert.Equal(DlmsErrorReason.Unsupported, e.Reason);
        Assert.Equal(0, e.Offset);
    }

    [Fact]
    public void Read_NoSecurity_ParsesPlainInitiateRequest()
    {
        // u9n tests/test_asce/test_aarq.py test_parse_no_ciphering_no_sercurity (Green Book ed. 10).
        var bytes = Convert.FromHexString(AcseVectors.AarqNoSecurity);
        var aarq = AcseTestCodec.Decode(Aarq.Read, bytes);

        Assert.Equal(ApplicationContextName.LogicalNameReferencingNoCiphering, aarq.ApplicationContextName);
        Assert.Null(aarq.MechanismName);
        Assert.Null(aarq.CallingAuthenticationValue);
        Assert.Null(aarq.SenderAcseRequirements);
        Assert.False(aarq.IsUserInformationCiphered);
        var request = Assert.IsType<InitiateRequest>(aarq.DecodeUserInformation());
        Assert.Equal(new InitiateRequest { ProposedConformance = (Conformance)0x007E1F, ClientMaxReceivePduSize = 1200 }, request);
        Assert.Equal(bytes, aarq.ToArray());
    }

    public static TheoryData<string, AuthenticationMechanism, string, ushort> AuthenticatedVectors() => new()
    {
        // u9n tests/test_asce/test_aarq.py (Green Book ed. 10 examples).
        { AcseVectors.AarqLowSecurity, AuthenticationMechanism.Low, "12345678", 1200 },
        { AcseVectors.AarqHighSecurityGmac, AuthenticationMechanism.HighGmac, "K56iVagY", 1200 },
        { AcseVectors.AarqHighSecurity, AuthenticationMechanism.High, "12345678", 0xFFFF },
    };

    [Theory]
    [MemberData(nameof(AuthenticatedVectors))]
    public void Read_AuthenticatedVector_ParsesMechanismAndValue(string hex, AuthenticationMechanism mechanism, string value, ushort maxPdu)
    {
        var bytes = Convert.FromHexString(hex);
        var aarq = AcseTestCodec.Decode(Aarq.Read, bytes);

        Assert.Equal(AcseRequirements.Authentication, aarq.SenderAcseRequirements);
        Assert.Equal(mechanism, aarq.MechanismName);
        Assert.Equal(AuthenticationValue.CharString(Encoding.ASCII.GetBytes(value)), aarq.CallingAuthenticationValue);
        Assert.Equal(maxPdu, Assert.IsType<InitiateRequest>(aarq.DecodeUserInformation()).ClientMaxReceivePduSize);
        Assert.Equal(bytes, aarq.ToArray());
    }

    [Fact]
    public void Encode_EveryFieldPresent_MatchesHandAssembledEncoding()
    {
        var aarq = new Aarq
        {
            ProtocolVersion = AcseProtocolVersion.Version1,
            ApplicationContextName = ApplicationContextName.LogicalNameReferencingWithCiphering,
            CalledApTitle = Convert.FromHexString("AABB"),
            CalledAeQualifier = Convert.FromHexString("CC"),
            CalledApInvocationId = 5,
            CalledAeInvocationId = 128,
            CallingApTitle = Convert.FromHexString("4D4D4D0000000001"),
            CallingAeQualifier = Convert.FromHexString("DD"),
            CallingApInvocationId = -1,
            CallingAeInvocationId = 1,
            SenderAcseRequirements = AcseRequirements.Authentication,
            MechanismName = AuthenticationMechanism.HighGmac,
            CallingAuthenticationValue = AuthenticationValue.CharString("K56iVagY"u8),
            ImplementationInformation = "ML1",
            UserInformation = Convert.FromHexString(AcseVectors.InitiateRequestSimple),
        };

        var bytes = aarq.ToArray();
        Assert.Equal(AcseVectors.AarqAllFields, Convert.ToHexString(bytes));
        var decoded = AcseTestCodec.Decode(Aarq.Read, bytes);
        Assert.Equal(aarq, decoded);
        Assert.Equal(aarq.GetHashCode(), decoded.GetHashCode());
        Assert.Equal(bytes, decoded.ToArray());
    }

    [Fact]
    public void Encode_OnlyMandatoryField_IsApplicationContextNameAlone()
    {
        var aarq = new Aarq { ApplicationContextName = ApplicationContextName.ShortNameReferencingNoCiphering };

        var bytes = aarq.ToArray();
        Assert.Equal("600BA109060760857405080102", Convert.ToHexString(bytes));
        var decoded = AcseTestCodec.Decode(Aarq.Read, bytes);
        Assert.Equal(aarq, decoded);
        Assert.Null(decoded.UserInformation);
        Assert.Null(decoded.DecodeUserInformation());
    }

    public static TheoryData<Aarq> SingleOptionalField()
    {
        var full = AcseTestCodec.Decode(Aarq.Read, Convert.FromHexString(AcseVectors.AarqAllFields));
        var empty = new Aarq { ApplicationContextName = full.ApplicationContextName };
        return new TheoryData<Aarq>
        {
            empty with { ProtocolVersion = full.ProtocolVersion },
            empty with { CalledApTitle = full.CalledApTitle },
            empty with { CalledAeQualifier = full.CalledAeQualifier },
            empty with { CalledApInvocationId = full.CalledApInvocationId },
            empty with { CalledAeInvocationId = full.CalledAeInvocationId },
            empty with { CallingApTitle = full.CallingApTitle },
            empty with { CallingAeQualifier = full.CallingAeQualifier },
            empty with { CallingApInvocationId = full.CallingApInvocationId },
            empty with { CallingAeInvocationId = full.CallingAeInvocationId },
            empty with { SenderAcseRequirements = full.SenderAcseRequirements },
            empty with { MechanismName = full.MechanismName },
            empty with { CallingAuthenticationValue = full.CallingAuthenticationValue },
            empty with { ImplementationInformation = full.ImplementationInformation },
            empty with { UserInformation = full.UserInformation },
            empty with { CallingApTitle = ReadOnlyMemory<byte>.Empty, UserInformation = ReadOnlyMemory<byte>.Empty },
            empty with { CallingAuthenticationValue = AuthenticationValue.BitString([0xA5, 0x80], unusedBits: 7) },
            empty with { CallingAuthenticationValue = AuthenticationValue.External(Convert.FromHexString("0607608574050802070201FF")) },
            empty with { CallingAuthenticationValue = AuthenticationValue.Other(Convert.FromHexString("06076085740508020704020000")) },
            empty with { CallingAeQualifier = new byte[300] },
        };
    }

    [Theory]
    [MemberData(nameof(SingleOptionalField))]
    public void RoundTrip_EachOptionalFieldAlone_ReencodesIdentically(Aarq aarq)
    {
        var bytes = aarq.ToArray();
        var decoded = AcseTestCodec.Decode(Aarq.Read, bytes);

        Assert.Equal(aarq, decoded);
        Assert.Equal(bytes, decoded.ToArray());
    }

    [Fact]
    public void Equals_DistinguishesAbsentFromEmpty()
    {
        var absent = new Aarq { ApplicationContextName = ApplicationContextName.LogicalNameReferencingNoCiphering };
        var empty = absent with { CallingApTitle = ReadOnlyMemory<byte>.Empty };

        Assert.NotEqual(absent, empty);
        Assert.NotEqual(absent.ToArray(), empty.ToArray());
    }

    [Fact]
    public void Read_UnknownContextSpecificField_IsSkipped()
    {
        // [13] (ISO/IEC 8650-1 aSO-context-name-list, not used by DLMS) between [12] and [30].
        var bytes = Convert.FromHexString("6023" + "A109060760857405080101" + "AD0430020500" + "BE10040E01000000065F1F0400007E1F04B0");
        var aarq = AcseTestCodec.Decode(Aarq.Read, bytes);

        Assert.Equal(Convert.FromHexString(AcseVectors.InitiateRequestSimple), aarq.UserInformation?.ToArray());
        Assert.Equal(AcseVectors.AarqNoSecurity, Convert.ToHexString(aarq.ToArray()));
    }

    [Fact]
    public void Read_UnlistedContextIdAndMechanism_AreCarriedForTheServerToRefuse()
    {
        var aarq = AcseTestCodec.Decode(Aarq.Read, Convert.FromHexString("6014A1090607608574050801098B0760857405080209"));

        Assert.Equal(9, (int)aarq.ApplicationContextName);
        Assert.Equal(9, (int)aarq.MechanismName!.Value);
    }

    [Fact]
    public void ToString_LlsPassword_IsRedacted()
    {
        var aarq = AcseTestCodec.Decode(Aarq.Read, Convert.FromHexString(AcseVectors.AarqCipheredLls));
        var text = aarq.ToString();

        Assert.DoesNotContain("12345678", text, StringComparison.Ordinal);
        Assert.DoesNotContain("3132333435363738", text, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("<redacted>", text, StringComparison.Ordinal);
        Assert.Contains("MechanismName = Low", text, StringComparison.Ordinal);
    }

    [Fact]
    public void ImplementationInformation_CharacterBeyondLatin1_IsRefused()
    {
        Assert.Throws<ArgumentException>(() =>
            new Aarq { ApplicationContextName = ApplicationContextName.LogicalNameReferencingNoCiphering, ImplementationInformation = "€" });
    }
}
