using Meterline.Dlms.Acse;

namespace Meterline.Dlms.Tests.Acse;

public class AareTests
{
    [Fact]
    public void Read_AcceptedLnNoCiphering_ParsesInitiateResponse()
    {
        // u9n tests/test_asce/test_aare.py test_no_ciphering_no_security_ok_association (Green Book ed. 10).
        var bytes = Convert.FromHexString(AcseVectors.AareAccepted);
        var aare = AcseTestCodec.Decode(Aare.Read, bytes);

        Assert.Equal(ApplicationContextName.LogicalNameReferencingNoCiphering, aare.ApplicationContextName);
        Assert.Equal(AssociationResult.Accepted, aare.Result);
        Assert.Equal(AssociateSourceDiagnostic.FromServiceUser(AcseServiceUserDiagnostic.Null), aare.ResultSourceDiagnostic);
        Assert.Null(aare.RespondingApTitle);
        Assert.Null(aare.MechanismName);
        Assert.Null(aare.RespondingAuthenticationValue);
        var response = Assert.IsType<InitiateResponse>(aare.DecodeUserInformation());
        Assert.Equal((Conformance)0x00501F, response.NegotiatedConformance);
        Assert.Equal(500, response.ServerMaxReceivePduSize);
        Assert.Equal(InitiateResponse.LogicalNameVaaName, response.VaaName);
        Assert.Equal(bytes, aare.ToArray());
    }

    [Fact]
    public void Read_ContextNotSupported_IsRejectionValue()
    {
        // u9n tests/test_asce/test_aare.py test_no_ciphering_no_security_app_context_name_wrong.
        var bytes = Convert.FromHexString(AcseVectors.AareContextNotSupported);
        var aare = AcseTestCodec.Decode(Aare.Read, bytes);

        Assert.Equal(AssociationResult.RejectedPermanent, aare.Result);
        Assert.Equal(AcseServiceUserDiagnostic.ApplicationContextNameNotSupported, aare.ResultSourceDiagnostic.ServiceUser);
        Assert.Null(aare.ResultSourceDiagnostic.ServiceProvider);
        Assert.Equal(bytes, aare.ToArray());
    }

    [Fact]
    public void Read_DlmsVersionTooLow_CarriesConfirmedServiceError()
    {
        // u9n tests/test_asce/test_aare.py test_no_cipher_no_security_incorrect_dlms_version.
        var bytes = Convert.FromHexString(AcseVectors.AareDlmsVersionTooLow);
        var aare = AcseTestCodec.Decode(Aare.Read, bytes);

        Assert.Equal(AssociationResult.RejectedPermanent, aare.Result);
        Assert.Equal(AcseServiceUserDiagnostic.NoReasonGiven, aare.ResultSourceDiagnostic.ServiceUser);
        var error = Assert.IsType<ConfirmedServiceError>(aare.DecodeUserInformation());
        Assert.Equal(new ConfirmedServiceError(ConfirmedService.InitiateError, ServiceError.FromInitiate(InitiateError.DlmsVersionTooLow)), error);
        Assert.Equal(bytes, aare.ToArray());
    }

    [Fact]
    public void Read_HighSecurityGmac_CarriesRespondingAuthenticationValue()
    {
        // u9n tests/test_asce/test_aare.py test_no_ciher_hls_ok: StoC "P6wRJ21F", authentication-required.
        var bytes = Convert.FromHexString(AcseVectors.AareHighSecurityGmac);
        var aare = AcseTestCodec.Decode(Aare.Read, bytes);

        Assert.Equal(AssociationResult.Accepted, aare.Result);
        Assert.Equal(AcseServiceUserDiagnostic.AuthenticationRequired, aare.ResultSourceDiagnostic.ServiceUser);
        Assert.Equal(AcseRequirements.Authentication, aare.ResponderAcseRequirements);
        Assert.Equal(AuthenticationMechanism.HighGmac, aare.MechanismName);
        Assert.Equal(AuthenticationValue.CharString("P6wRJ21F"u8), aare.RespondingAuthenticationValue);
        Assert.DoesNotContain("P6wRJ21F", aare.ToString(), StringComparison.Ordinal);
        Assert.Equal(bytes, aare.ToArray());
    }

    [Fact]
    public void Read_ShortNameCaptureWithShortUserInformation_ParsesButInitiateResponseIsTruncated()
    {
        // OpenMUC jDLMS HdlcFrameTest.java decode3: the OCTET STRING is one octet short of its InitiateResponse.
        var aare = AcseTestCodec.Decode(Aare.Read, Convert.FromHexString(AcseVectors.AareShortNameCapture));

        Assert.Equal(ApplicationContextName.ShortNameReferencingNoCiphering, aare.ApplicationContextName);
        Assert.Equal(13, aare.UserInformation?.Length);
        var e = Assert.Throws<DlmsFormatException>(aare.DecodeUserInformation);
        Assert.Equal(DlmsErrorReason.Truncated, e.Reason);
        Assert.Equal(12, e.Offset); // vaa-name starts at octet 12 of the 13
    }

    [Fact]
    public void Read_ShortNameReferencing_ParsesVaaName()
    {
        // The capture above with its user-information length corrected.
        var bytes = Convert.FromHexString(AcseVectors.AareShortName);
        var aare = AcseTestCodec.Decode(Aare.Read, bytes);

        Assert.Equal(ApplicationContextName.ShortNameReferencingNoCiphering, aare.ApplicationContextName);
        Assert.Equal(InitiateResponse.ShortNameVaaName, Assert.IsType<InitiateResponse>(aare.DecodeUserInformation()).VaaName);
        Assert.Equal(bytes, aare.ToArray());
    }

    [Fact]
    public void Read_LowestMechanismName_IsParsed()
    {
        // cpoder/dlms-cosem-codec AssociationResponseTest.java.
        var bytes = Convert.FromHexString(AcseVectors.AareLowestMechanism);
        var aare = AcseTestCodec.Decode(Aare.Read, bytes);

        Assert.Equal(AuthenticationMechanism.Lowest, aare.MechanismName);
        Assert.Null(aare.RespondingAuthenticationValue);
        Assert.Equal(bytes, aare.ToArray());
    }

    [Fact]
    public void Encode_EveryFieldPresent_MatchesHandAssembledEncoding()
    {
        var aare = new Aare
        {
            ProtocolVersion = AcseProtocolVersion.Version1,
            ApplicationContextName = ApplicationContextName.LogicalNameReferencingWithCiphering,
            Result = AssociationResult.Accepted,
            ResultSourceDiagnostic = AssociateSourceDiagnostic.FromServiceUser(AcseServiceUserDiagnostic.AuthenticationRequired),
            RespondingApTitle = Convert.FromHexString("4D4D4D0000BC614E"),
            RespondingAeQualifier = Convert.FromHexString("EE"),
            RespondingApInvocationId = 7,
            RespondingAeInvocationId = 256,
            ResponderAcseRequirements = AcseRequirements.Authentication,
            MechanismName = AuthenticationMechanism.HighGmac,
            RespondingAuthenticationValue = AuthenticationValue.CharString("P6wRJ21F"u8),
            ImplementationInformation = "ML1",
            UserInformation = Convert.FromHexString(AcseVectors.RlreCiphered)[9..],
        };

        var bytes = aare.ToArray();
        Assert.Equal(AcseVectors.AareAllFields, Convert.ToHexString(bytes));
        var decoded = AcseTestCodec.Decode(Aare.Read, bytes);
        Assert.Equal(aare, decoded);
        Assert.Equal(aare.GetHashCode(), decoded.GetHashCode());
        Assert.True(decoded.IsUserInformationCiphered);
        Assert.Equal(bytes, decoded.ToArray());
    }

    public static TheoryData<Aare> SingleOptionalField()
    {
        var full = AcseTestCodec.Decode(Aare.Read, Convert.FromHexString(AcseVectors.AareAllFields));
        var empty = new Aare
        {
            ApplicationContextName = ApplicationContextName.LogicalNameReferencingNoCiphering,
            Result = AssociationResult.RejectedTransient,
            ResultSourceDiagnostic = AssociateSourceDiagnostic.FromServiceProvider(AcseServiceProviderDiagnostic.NoCommonAcseVersion),
        };
        return new TheoryData<Aare>
        {
            empty,
            empty with { ProtocolVersion = full.ProtocolVersion },
            empty with { RespondingApTitle = full.RespondingApTitle },
            empty with { RespondingAeQualifier = full.RespondingAeQualifier },
            empty with { RespondingApInvocationId = full.RespondingApInvocationId },
            empty with { RespondingAeInvocationId = full.RespondingAeInvocationId },
            empty with { ResponderAcseRequirements = full.ResponderAcseRequirements },
            empty with { MechanismName = full.MechanismName },
            empty with { RespondingAuthenticationValue = full.RespondingAuthenticationValue },
            empty with { ImplementationInformation = full.ImplementationInformation },
            empty with { UserInformation = full.UserInformation },
            empty with { ResultSourceDiagnostic = AssociateSourceDiagnostic.FromServiceUser(AcseServiceUserDiagnostic.AuthenticationFailure) },
        };
    }

    [Theory]
    [MemberData(nameof(SingleOptionalField))]
    public void RoundTrip_EachOptionalFieldAlone_ReencodesIdentically(Aare aare)
    {
        var bytes = aare.ToArray();
        var decoded = AcseTestCodec.Decode(Aare.Read, bytes);

        Assert.Equal(aare, decoded);
        Assert.Equal(bytes, decoded.ToArray());
    }

    [Fact]
    public void Encode_ProviderDiagnostic_UsesChoiceTwo()
    {
        var aare = new Aare
        {
            ApplicationContextName = ApplicationContextName.LogicalNameReferencingNoCiphering,
            Result = AssociationResult.RejectedTransient,
            ResultSourceDiagnostic = AssociateSourceDiagnostic.FromServiceProvider(AcseServiceProviderDiagnostic.NoCommonAcseVersion),
        };

        Assert.Equal("6117A109060760857405080101A203020102A305A203020102", Convert.ToHexString(aare.ToArray()));
    }

    [Fact]
    public void Encode_DiagnosticNotSet_Throws()
    {
        var aare = new Aare
        {
            ApplicationContextName = ApplicationContextName.LogicalNameReferencingNoCiphering,
            Result = AssociationResult.Accepted,
            ResultSourceDiagnostic = default,
        };

        Assert.Throws<InvalidOperationException>(() => aare.ToArray());
    }
}
