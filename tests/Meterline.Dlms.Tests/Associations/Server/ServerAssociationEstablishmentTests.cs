using System.Text;
using Meterline.Dlms.Acse;
using Meterline.Dlms.Apdus;
using Meterline.Dlms.Associations;
using Meterline.Dlms.Cosem;
using Meterline.Dlms.Security;
using Meterline.Dlms.Tests.Acse;
using Meterline.Dlms.Tests.Security;
using ServiceError = Meterline.Dlms.Acse.ServiceError;

namespace Meterline.Dlms.Tests.Associations.Server;

public class ServerAssociationEstablishmentTests
{
    /// <summary>The conformance of the Green Book AARE examples (0x00501F) and their server PDU size 500.</summary>
    private const Conformance GreenBookConformance = (Conformance)0x00501F;

    private static ServerAssociationDefinition GreenBookPublic =>
        ServerAssociationDefinition.PublicClient() with { SupportedConformance = GreenBookConformance, ServerMaxReceivePduSize = 500 };

    private static ServerAssociationDefinition GreenBookReader =>
        ServerAssociationDefinition.MeterReader(LlsPassword.FromBytes("12345678"u8)) with { SupportedConformance = GreenBookConformance, ServerMaxReceivePduSize = 500 };

    [Fact]
    public void Receive_GreenBookAarqWithoutSecurity_AnswersGreenBookAare()
    {
        // AARQ and AARE of u9n/dlms-cosem tests/test_asce (Green Book ed. 10 examples): proposed 0x007E1F, accepted
        // with 0x007E1F ∩ 0x00501F = 0x00501F and server PDU size 500.
        using var session = new ServerSession(GreenBookPublic, keys: null);

        var response = session.Receive(Convert.FromHexString(AcseVectors.AarqNoSecurity));

        Assert.Equal(AcseVectors.AareAccepted, Convert.ToHexString(response));
        Assert.Equal(AssociationState.Associated, session.Association.State);
        Assert.Equal(GreenBookConformance, session.Association.NegotiatedConformance);
        Assert.Equal(1200, session.Association.ClientMaxReceivePduSize);
        Assert.Equal(ApplicationContextName.LogicalNameReferencingNoCiphering, session.Association.ApplicationContext);
        Assert.False(session.Association.Context.IsAuthenticated);
    }

    [Fact]
    public void Receive_GreenBookAarqWithLlsPassword_AcceptsAndAuthenticates()
    {
        // AARQ with LLS "12345678": u9n tests/test_asce/test_aarq.py (Green Book ed. 10 example).
        using var session = new ServerSession(GreenBookReader, keys: null);

        var response = session.Receive(Convert.FromHexString(AcseVectors.AarqLowSecurity));

        Assert.Equal(AcseVectors.AareAccepted, Convert.ToHexString(response));
        Assert.Equal(AssociationState.Associated, session.Association.State);
        Assert.True(session.Association.Context.IsAuthenticated);
        Assert.Equal(AuthenticationMechanism.Low, session.Association.Context.Mechanism);
    }

    [Theory]
    [InlineData("12345679")]
    [InlineData("1234567")]
    [InlineData("123456789")]
    public void Receive_LlsWrongPassword_RejectsWithAuthenticationFailure(string password)
    {
        using var session = new ServerSession(GreenBookReader, keys: null);

        var aare = session.Associate(Lls(password));

        AssertRejected(aare, AcseServiceUserDiagnostic.AuthenticationFailure);
        Assert.Null(aare.UserInformation);
        Assert.Equal(AssociationState.Aborted, session.Association.State);
        AssertNotAssociated(session);
    }

    [Fact]
    public void Receive_LlsPasswordAsBitString_RejectsWithAuthenticationFailure()
    {
        using var session = new ServerSession(GreenBookReader, keys: null);
        var aarq = Lls("12345678") with { CallingAuthenticationValue = AuthenticationValue.BitString("12345678"u8) };

        AssertRejected(session.Associate(aarq), AcseServiceUserDiagnostic.AuthenticationFailure);
    }

    [Fact]
    public void Receive_LlsWithoutPassword_RejectsWithAuthenticationRequired()
    {
        using var session = new ServerSession(GreenBookReader, keys: null);

        AssertRejected(session.Associate(Lls("12345678") with { CallingAuthenticationValue = null }), AcseServiceUserDiagnostic.AuthenticationRequired);
    }

    [Fact]
    public void Receive_LlsAfterRefusal_CanAssociateAgain()
    {
        using var session = new ServerSession(GreenBookReader, keys: null);
        session.Associate(Lls("wrong"));

        var aare = session.Associate(Lls("12345678"));

        Assert.Equal(AssociationResult.Accepted, aare.Result);
        Assert.Equal(AssociationState.Associated, session.Association.State);
    }

    [Fact]
    public void Receive_LlsToPublicClient_RejectsMechanismNotRecognised()
    {
        using var session = new ServerSession(GreenBookPublic, keys: null);

        var response = session.Receive(Convert.FromHexString(AcseVectors.AarqLowSecurity));

        AssertRejected(Decode(response), AcseServiceUserDiagnostic.AuthenticationMechanismNameNotRecognised);
    }

    [Fact]
    public void Receive_NoMechanismToMeterReader_RejectsMechanismNameRequired()
    {
        using var session = new ServerSession(GreenBookReader, keys: null);

        var response = session.Receive(Convert.FromHexString(AcseVectors.AarqNoSecurity));

        AssertRejected(Decode(response), AcseServiceUserDiagnostic.AuthenticationMechanismNameRequired);
    }

    [Fact]
    public void Receive_MechanismWithoutAuthenticationFunctionalUnit_RejectsMechanismNameRequired()
    {
        using var session = new ServerSession(GreenBookReader, keys: null);

        AssertRejected(session.Associate(Lls("12345678") with { SenderAcseRequirements = null }), AcseServiceUserDiagnostic.AuthenticationMechanismNameRequired);
    }

    [Fact]
    public void Receive_HlsGmacToMeterReader_RejectsMechanismNotRecognised()
    {
        // Published HLS GMAC AARQ (u9n tests/test_asce/test_aarq.py) to an LLS association.
        using var session = new ServerSession(GreenBookReader, keys: null);

        var response = session.Receive(Convert.FromHexString(AcseVectors.AarqHighSecurityGmac));

        AssertRejected(Decode(response), AcseServiceUserDiagnostic.AuthenticationMechanismNameNotRecognised);
    }

    [Fact]
    public void Receive_PlainContextToCipheredAssociation_RejectsContextNotSupportedNamingTheCipheredOne()
    {
        using var session = new ServerSession(ServerAssociationDefinition.UtilitySettings(), ServerSession.Keys());

        var aare = Decode(session.Receive(Convert.FromHexString(AcseVectors.AarqNoSecurity)));

        AssertRejected(aare, AcseServiceUserDiagnostic.ApplicationContextNameNotSupported);
        Assert.Equal(ApplicationContextName.LogicalNameReferencingWithCiphering, aare.ApplicationContextName);
    }

    [Theory]
    [InlineData(ApplicationContextName.ShortNameReferencingNoCiphering)]
    [InlineData(ApplicationContextName.ShortNameReferencingWithCiphering)]
    [InlineData((ApplicationContextName)5)]
    public void Receive_ContextNotOffered_RejectsContextNotSupported(ApplicationContextName context)
    {
        using var session = new ServerSession(GreenBookPublic, keys: null);

        var aare = session.Associate(ServerSession.Aarq(context, ServerSession.Initiate().ToArray()));

        AssertRejected(aare, AcseServiceUserDiagnostic.ApplicationContextNameNotSupported);
        Assert.Equal(ApplicationContextName.LogicalNameReferencingNoCiphering, aare.ApplicationContextName);
    }

    [Fact]
    public void Receive_ProtocolVersionWithoutVersion1_RejectsNoCommonAcseVersion()
    {
        using var session = new ServerSession(GreenBookPublic, keys: null);
        var aarq = ServerSession.Aarq(ApplicationContextName.LogicalNameReferencingNoCiphering, ServerSession.Initiate().ToArray()) with
        {
            ProtocolVersion = (AcseProtocolVersion)2,
        };

        var aare = session.Associate(aarq);

        Assert.Equal(AssociationResult.RejectedPermanent, aare.Result);
        Assert.Equal(AcseServiceProviderDiagnostic.NoCommonAcseVersion, aare.ResultSourceDiagnostic.ServiceProvider);
    }

    [Fact]
    public void Receive_HlsWithoutCallingApTitle_RejectsCallingApTitleNotRecognized()
    {
        // The published HLS GMAC AARQ carries no calling-AP-title, so the server cannot know the IV of f(StoC).
        var definition = new ServerAssociationDefinition
        {
            LogicalName = new ObisCode(0, 0, 40, 0, 3, 255),
            ClientSap = 48,
            Mechanism = AuthenticationMechanism.HighGmac,
            SupportedConformance = GreenBookConformance,
        };
        using var session = new ServerSession(definition, ServerSession.Keys());

        var response = session.Receive(Convert.FromHexString(AcseVectors.AarqHighSecurityGmac));

        AssertRejected(Decode(response), AcseServiceUserDiagnostic.CallingApTitleNotRecognized);
    }

    [Fact]
    public void Receive_VersionTooLow_AnswersGreenBookRejection()
    {
        // The AARE of u9n tests/test_asce/test_aare.py: rejected-permanent, no-reason-given, ConfirmedServiceError
        // initiateError / initiate / dlms-version-too-low (0E 01 06 01).
        using var session = new ServerSession(GreenBookPublic, keys: null);
        var aarq = ServerSession.Aarq(ApplicationContextName.LogicalNameReferencingNoCiphering, ServerSession.Initiate(version: 5).ToArray());

        var response = session.Receive(aarq.ToArray());

        Assert.Equal(AcseVectors.AareDlmsVersionTooLow, Convert.ToHexString(response));
        Assert.Equal(AssociationState.Aborted, session.Association.State);
    }

    [Theory]
    [InlineData(ServerSession.AllServices & ~GreenBookConformance & ~Conformance.GeneralProtection, 12, (byte)InitiateError.IncompatibleConformance)]
    [InlineData(ServerSession.AllServices, 11, (byte)InitiateError.PduSizeTooShort)]
    [InlineData(ServerSession.AllServices, 1, (byte)InitiateError.PduSizeTooShort)]
    public void Receive_InitiateRequestRefused_AnswersInitiateError(Conformance proposed, ushort maxPdu, byte error)
    {
        using var session = new ServerSession(GreenBookPublic, keys: null);
        var aarq = ServerSession.Aarq(ApplicationContextName.LogicalNameReferencingNoCiphering, ServerSession.Initiate(proposed, maxPdu).ToArray());

        var aare = session.Associate(aarq);

        AssertRejected(aare, AcseServiceUserDiagnostic.NoReasonGiven);
        Assert.Equal(new ConfirmedServiceError(ConfirmedService.InitiateError, new ServiceError(ServiceErrorKind.Initiate, error)), aare.DecodeUserInformation());
    }

    [Theory]
    [InlineData((ushort)0)]
    [InlineData((ushort)12)]
    public void Receive_ClientPduSizeNoLimitOrMinimum_Accepts(ushort maxPdu)
    {
        using var session = new ServerSession(GreenBookPublic, keys: null);

        var aare = session.Associate(ServerSession.Aarq(ApplicationContextName.LogicalNameReferencingNoCiphering, ServerSession.Initiate(maxPdu: maxPdu).ToArray()));

        Assert.Equal(AssociationResult.Accepted, aare.Result);
        Assert.Equal(maxPdu, session.Association.ClientMaxReceivePduSize);
    }

    public static TheoryData<string, string> BadUserInformation => new()
    {
        { "absent", string.Empty },
        { "dedicated key in plain", AcseVectors.InitiateRequestWithDedicatedKey },
        { "an InitiateResponse", AcseVectors.InitiateResponseSimple },
        { "truncated InitiateRequest", AcseVectors.InitiateRequestSimple[..^2] },
        { "trailing byte", AcseVectors.InitiateRequestSimple + "00" },
        { "ciphered in a plain context", AcseVectors.GloInitiateRequest },
    };

    [Theory]
    [MemberData(nameof(BadUserInformation))]
    public void Receive_UserInformationNotAPlainInitiateRequest_AnswersInitiateErrorOther(string what, string userInformation)
    {
        using var session = new ServerSession(GreenBookPublic, keys: null);
        var aarq = ServerSession.Aarq(
            ApplicationContextName.LogicalNameReferencingNoCiphering,
            what == "absent" ? null : Convert.FromHexString(userInformation));

        var aare = session.Associate(aarq);

        AssertRejected(aare, AcseServiceUserDiagnostic.NoReasonGiven);
        Assert.Equal(new ConfirmedServiceError(ConfirmedService.InitiateError, ServiceError.FromInitiate(InitiateError.Other)), aare.DecodeUserInformation());
    }

    [Fact]
    public void Receive_PublishedCipheredAarqV8_AcceptsAndCiphersTheInitiateResponse()
    {
        // V8 (u9n tests/test_asce/test_aarq.py): LN with ciphering, LLS "12345678", user-information V4 =
        // glo-initiate-request from 4D4D4D0000BC614E with IC 01234567 and dedicated key 00112233…FF. The published
        // AARQ uses ST_S as its calling-AP-title, so in this session the meter takes ST_C as its own title.
        var definition = GreenBookReader with { RequiresCiphering = true, SupportedConformance = GreenBookConformance | Conformance.MultipleReferences };
        var client = GreenBookVectors.ServerSystemTitle;
        using var session = new ServerSession(definition, ServerSession.Keys(serverTitle: GreenBookVectors.ClientSystemTitle), clientTitle: client, serverCounter: 0x42);

        var aare = Decode(session.Receive(Convert.FromHexString(AcseVectors.AarqCipheredLls)));

        Assert.Equal(AssociationResult.Accepted, aare.Result);
        Assert.Equal(AcseServiceUserDiagnostic.Null, aare.ResultSourceDiagnostic.ServiceUser);
        Assert.Equal(ApplicationContextName.LogicalNameReferencingWithCiphering, aare.ApplicationContextName);
        Assert.Equal("4D4D4D0000000001", Convert.ToHexString(aare.RespondingApTitle!.Value.Span));
        var userInformation = aare.UserInformation!.Value.ToArray();
        Assert.Equal(CipheredApduTags.GloInitiateResponse, userInformation[0]);
        var initiateResponse = Assert.IsType<InitiateResponse>(session.Open(userInformation));
        Assert.Equal(new SecurityControl(0x30), session.LastResponseControl);
        Assert.Equal((Conformance)0x00521F, initiateResponse.NegotiatedConformance);
        Assert.Equal(500, initiateResponse.ServerMaxReceivePduSize);
        Assert.Equal(InitiateResponse.LogicalNameVaaName, initiateResponse.VaaName);
        Assert.Equal(6, initiateResponse.NegotiatedDlmsVersionNumber);
        Assert.Equal("00000042", Convert.ToHexString(userInformation.AsSpan(3, 4)));

        Assert.Equal(AssociationState.Associated, session.Association.State);
        Assert.Equal(client, session.Association.ClientSystemTitle);
        Assert.True(session.Association.HasDedicatedKey);
        Assert.Equal(1200, session.Association.ClientMaxReceivePduSize);
        Assert.True(session.Guard.TryGetLastAccepted(client, KeyId.GlobalUnicastEncryptionKey, out var accepted));
        Assert.Equal(0x01234567u, accepted);

        // A following glo-get-request from the client, opened with the client's keys.
        session.ClientCounter = 0x01234568;
        var get = new GetRequestNormal(new InvokeIdAndPriority(0xC1), TestCosemServer.LogicalDeviceName);
        var response = Assert.IsType<GetResponseNormal>(session.Exchange(get, ServerSession.AuthenticatedEncryption));

        Assert.Equal(CipheredApduTags.GloGetResponse, session.LastResponseTag);
        Assert.Equal(new SecurityControl(0x30), session.LastResponseControl);
        Assert.Equal(new InvokeIdAndPriority(0xC1), response.InvokeIdAndPriority);
        Assert.Equal(session.Server.Value(TestCosemServer.LogicalDeviceName), response.Result.Data);
        Assert.Equal(0x44u, session.ServerCounter.Next);
    }

    [Fact]
    public void Receive_CipheredAarq_CiphersTheGreenBookInitiateResponseWithServerTitleAndCounter()
    {
        // A meter with title ST_S and counter 01234567 that negotiates 0x00501F and PDU 500 sends the InitiateResponse
        // of u9n tests/test_xdlms/test_initiate.py, glo-ciphered 0x30 with that counter (IV = ST_S ‖ 01234567).
        var definition = new ServerAssociationDefinition
        {
            LogicalName = new ObisCode(0, 0, 40, 0, 1, 255),
            ClientSap = 16,
            Mechanism = AuthenticationMechanism.Lowest,
            RequiresCiphering = true,
            SupportedConformance = GreenBookConformance,
            ServerMaxReceivePduSize = 500,
        };
        using var session = new ServerSession(definition, ServerSession.Keys());

        var aare = session.Associate(session.CipheredAarq(ServerSession.Initiate((Conformance)0x007E1F)));

        var userInformation = aare.UserInformation!.Value.ToArray();
        Assert.Equal("281F3001234567", Convert.ToHexString(userInformation.AsSpan(0, 7)));
        using var cipher = GreenBookVectors.CreateCipher();
        var plain = new CipheredApdu(userInformation[0], userInformation.AsMemory(2)).Unprotect(cipher, GreenBookVectors.ServerSystemTitle);
        Assert.Equal(AcseVectors.InitiateResponseSimple, Convert.ToHexString(plain));
        Assert.Equal(GreenBookVectors.ServerSystemTitle.Encode(), aare.RespondingApTitle!.Value.ToArray());
        Assert.False(session.Association.HasDedicatedKey);
    }

    [Fact]
    public void Receive_CipheredAarqWithoutCallingApTitle_RejectsCallingApTitleNotRecognized()
    {
        using var session = new ServerSession(CipheredPublic, ServerSession.Keys());
        var aarq = session.CipheredAarq(ServerSession.Initiate()) with { CallingApTitle = null };

        AssertRejected(session.Associate(aarq), AcseServiceUserDiagnostic.CallingApTitleNotRecognized);
        Assert.Equal(0, session.Guard.Count);
    }

    [Theory]
    [InlineData("4D4D4D0000BC614E")] // the server's own title: both sides would use the same IVs
    [InlineData("4D4D4D00000001")] // seven bytes
    public void Receive_CipheredAarqWithUnusableCallingApTitle_RejectsCallingApTitleNotRecognized(string title)
    {
        using var session = new ServerSession(CipheredPublic, ServerSession.Keys());
        var aarq = session.CipheredAarq(ServerSession.Initiate()) with { CallingApTitle = Convert.FromHexString(title) };

        AssertRejected(session.Associate(aarq), AcseServiceUserDiagnostic.CallingApTitleNotRecognized);
    }

    [Fact]
    public void Receive_CipheredContextWithPlainInitiateRequest_AnswersInitiateErrorOther()
    {
        using var session = new ServerSession(CipheredPublic, ServerSession.Keys());
        var aarq = session.CipheredAarq(ServerSession.Initiate()) with { UserInformation = ServerSession.Initiate().ToArray() };

        var aare = session.Associate(aarq);

        AssertRejected(aare, AcseServiceUserDiagnostic.NoReasonGiven);
        Assert.Equal(new ConfirmedServiceError(ConfirmedService.InitiateError, ServiceError.FromInitiate(InitiateError.Other)), aare.DecodeUserInformation());
    }

    [Theory]
    [InlineData(2)] // IC field
    [InlineData(8)] // ciphertext
    [InlineData(-1)] // authentication tag
    public void Receive_CipheredAarqForged_AnswersDecipheringErrorWithoutMovingTheCounter(int flipAt)
    {
        using var session = new ServerSession(CipheredPublic, ServerSession.Keys());
        var aarq = session.CipheredAarq(ServerSession.Initiate());
        var forged = aarq.UserInformation!.Value.ToArray();
        forged[flipAt < 0 ? forged.Length + flipAt : 2 + flipAt] ^= 0x01;

        var aare = session.Associate(aarq with { UserInformation = forged });

        AssertRejected(aare, AcseServiceUserDiagnostic.NoReasonGiven);
        Assert.Equal(new ConfirmedServiceError(ConfirmedService.InitiateError, ServiceError.FromApplicationReference(ApplicationReferenceError.DecipheringError)), aare.DecodeUserInformation());
        Assert.Null(aare.RespondingApTitle);
        Assert.Equal(0, session.Guard.Count);
        Assert.Equal(GreenBookVectors.ServerInvocationCounter, session.ServerCounter.Next);
    }

    [Theory]
    [InlineData(5u)] // replayed
    [InlineData(4u)] // older
    public void Receive_CipheredAarqStaleCounter_AnswersDecipheringError(uint counter)
    {
        using var session = new ServerSession(CipheredPublic, ServerSession.Keys());
        session.Guard.Accept(session.ClientTitle, KeyId.GlobalUnicastEncryptionKey, 5);
        session.ClientCounter = counter;

        var aare = session.Associate(session.CipheredAarq(ServerSession.Initiate()));

        AssertRejected(aare, AcseServiceUserDiagnostic.NoReasonGiven);
        Assert.Equal(ServiceError.FromApplicationReference(ApplicationReferenceError.DecipheringError), Assert.IsType<ConfirmedServiceError>(aare.DecodeUserInformation()).Error);
        Assert.True(session.Guard.TryGetLastAccepted(session.ClientTitle, KeyId.GlobalUnicastEncryptionKey, out var last));
        Assert.Equal(5u, last);
    }

    [Fact]
    public void Receive_CipheredAarqVersionTooLow_CiphersTheConfirmedServiceError()
    {
        using var session = new ServerSession(CipheredPublic, ServerSession.Keys());

        var aare = session.Associate(session.CipheredAarq(ServerSession.Initiate(version: 5)));

        AssertRejected(aare, AcseServiceUserDiagnostic.NoReasonGiven);
        var userInformation = aare.UserInformation!.Value.ToArray();
        Assert.Equal(CipheredApduTags.GloConfirmedServiceError, userInformation[0]);
        Assert.Equal(new ConfirmedServiceError(ConfirmedService.InitiateError, ServiceError.FromInitiate(InitiateError.DlmsVersionTooLow)), session.Open(userInformation));
        Assert.Equal(GreenBookVectors.ServerSystemTitle.Encode(), aare.RespondingApTitle!.Value.ToArray());
    }

    [Theory]
    [InlineData(new byte[] { 1, 2, 3 })]
    [InlineData(null)]
    public void Receive_CipheredAarqDedicatedKey_KeepsOnlyAKeyOfSixteenBytes(byte[]? dedicatedKey)
    {
        using var session = new ServerSession(CipheredPublic, ServerSession.Keys());

        var aare = session.Associate(session.CipheredAarq(ServerSession.Initiate(dedicatedKey: dedicatedKey ?? System.Security.Cryptography.RandomNumberGenerator.GetBytes(CipherKey.Length))));

        Assert.Equal(dedicatedKey is null ? AssociationResult.Accepted : AssociationResult.RejectedPermanent, aare.Result);
        Assert.Equal(dedicatedKey is null, session.Association.HasDedicatedKey);
    }

    [Fact]
    public void Receive_InitiateRequestWeakerThanPolicy_RejectsWithCipheredError()
    {
        // The utility association requires authenticated and encrypted requests; an authentication-only
        // InitiateRequest is refused, and the refusal is authenticated and encrypted as the policy requires.
        using var session = new ServerSession(ServerAssociationDefinition.UtilitySettings(), ServerSession.Keys());
        var aarq = session.CipheredAarq(ServerSession.Initiate(), AuthenticationMechanism.HighGmac, AuthenticationValue.CharString(HlsChallenge.Generate()), ServerSession.AuthenticationOnly);

        var aare = session.Associate(aarq);

        AssertRejected(aare, AcseServiceUserDiagnostic.NoReasonGiven);
        Assert.Equal(new ConfirmedServiceError(ConfirmedService.InitiateError, ServiceError.FromInitiate(InitiateError.Other)), session.Open(aare.UserInformation!.Value.ToArray()));
        Assert.Equal(new SecurityControl(0x30), session.LastResponseControl);
    }

    [Fact]
    public void Receive_AarqWhileAssociated_RejectsTransientlyAndKeepsTheAssociation()
    {
        using var session = new ServerSession(GreenBookPublic, keys: null);
        session.Receive(Convert.FromHexString(AcseVectors.AarqNoSecurity));

        var aare = Decode(session.Receive(Convert.FromHexString(AcseVectors.AarqNoSecurity)));

        Assert.Equal(AssociationResult.RejectedTransient, aare.Result);
        Assert.Equal(AssociationState.Associated, session.Association.State);
        Assert.Equal(GreenBookConformance, session.Association.NegotiatedConformance);
    }

    [Fact]
    public void Receive_ResponseNotAllowed_AssociatesWithoutAnswer()
    {
        using var session = new ServerSession(GreenBookPublic, keys: null);
        var aarq = ServerSession.Aarq(ApplicationContextName.LogicalNameReferencingNoCiphering, (ServerSession.Initiate() with { ResponseAllowed = false }).ToArray());

        var response = session.Association.Receive(aarq.ToArray());

        Assert.Null(response);
        Assert.Equal(AssociationState.Associated, session.Association.State);
    }

    [Fact]
    public void Receive_CipheredAarqWithExhaustedCounter_RejectsTransiently()
    {
        using var session = new ServerSession(CipheredPublic, ServerSession.Keys(), serverCounter: uint.MaxValue);

        var aare = session.Associate(session.CipheredAarq(ServerSession.Initiate()));

        Assert.Equal(AssociationResult.RejectedTransient, aare.Result);
        Assert.Equal(0, session.Guard.Count);
    }

    [Fact]
    public void Receive_AcceptedAssociation_ContextNamesTheAssociation()
    {
        using var session = new ServerSession(CipheredPublic, ServerSession.Keys());
        session.Associate(session.CipheredAarq(ServerSession.Initiate()));

        var context = session.Association.Context;

        Assert.Equal(CipheredPublic.LogicalName, context.AssociationLogicalName);
        Assert.Equal(16, context.ClientSap);
        Assert.Equal(session.ClientTitle, context.ClientSystemTitle);
        Assert.Equal(MessageProtection.None, context.RequestProtection);
    }

    internal static ServerAssociationDefinition CipheredPublic => new()
    {
        LogicalName = new ObisCode(0, 0, 40, 0, 1, 255),
        ClientSap = 16,
        Mechanism = AuthenticationMechanism.Lowest,
        RequiresCiphering = true,
        SupportedConformance = ServerAssociationDefinition.ImplementedConformance,
    };

    private static Aarq Lls(string password) => ServerSession.Aarq(
        ApplicationContextName.LogicalNameReferencingNoCiphering,
        ServerSession.Initiate().ToArray(),
        AuthenticationMechanism.Low,
        AuthenticationValue.CharString(Encoding.ASCII.GetBytes(password)));

    private static Aare Decode(byte[] response) => Assert.IsType<Aare>(ApduCodec.Decode(response));

    private static void AssertRejected(Aare aare, AcseServiceUserDiagnostic diagnostic)
    {
        Assert.Equal(AssociationResult.RejectedPermanent, aare.Result);
        Assert.Equal(diagnostic, aare.ResultSourceDiagnostic.ServiceUser);
        Assert.Null(aare.RespondingAuthenticationValue);
    }

    private static void AssertNotAssociated(ServerSession session)
    {
        var get = new GetRequestNormal(new InvokeIdAndPriority(0xC1), TestCosemServer.Clock);
        ServerSession.AssertException(session.Association.Receive(get.ToArray()), StateError.ServiceNotAllowed, Meterline.Dlms.Apdus.ServiceError.OperationNotPossible);
        Assert.Empty(session.Server.Calls);
    }
}
