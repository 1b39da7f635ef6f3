using System.Security.Cryptography;
using Meterline.Dlms.Acse;
using Meterline.Dlms.Apdus;
using Meterline.Dlms.Associations;
using Meterline.Dlms.Cosem;
using Meterline.Dlms.Security;
using ServiceError = Meterline.Dlms.Apdus.ServiceError;

namespace Meterline.Dlms.Tests.Associations.Server;

public sealed class ServerAssociationHlsTests : IDisposable
{
    private static readonly CosemMethodDescriptor ReplyToHls = new(15, ObisCode.CurrentAssociation, 1);

    private readonly ECDsa _clientKey = EcdsaP256.GenerateKeyPair();
    private readonly ECDsa _serverKey = EcdsaP256.GenerateKeyPair();

    [Fact]
    public void Receive_HlsGmacAarq_AcceptsPendingAuthenticationWithAFreshChallenge()
    {
        using var session = Gmac();
        var ctos = HlsChallenge.Generate(16);

        var aare = session.Associate(session.CipheredAarq(ServerSession.Initiate(), AuthenticationMechanism.HighGmac, AuthenticationValue.CharString(ctos)));

        // Green Book HLS AARE (u9n tests/test_asce/test_aare.py): accepted, authentication-required, mechanism-name
        // and responder-acse-requirements echoed, StoC as charstring.
        Assert.Equal(AssociationResult.Accepted, aare.Result);
        Assert.Equal(AcseServiceUserDiagnostic.AuthenticationRequired, aare.ResultSourceDiagnostic.ServiceUser);
        Assert.Equal(AuthenticationMechanism.HighGmac, aare.MechanismName);
        Assert.Equal(AcseRequirements.Authentication, aare.ResponderAcseRequirements);
        var stoc = aare.RespondingAuthenticationValue!;
        Assert.Equal(AuthenticationValueKind.CharString, stoc.Kind);
        Assert.Equal(HlsChallenge.DefaultLength, stoc.Value.Length);
        Assert.Equal(session.ServerTitle.Encode(), aare.RespondingApTitle!.Value.ToArray());
        Assert.Equal(AssociationState.AwaitingHlsCompletion, session.Association.State);
        Assert.False(session.Association.Context.IsAuthenticated);

        using var second = Gmac();
        var other = second.Associate(second.CipheredAarq(ServerSession.Initiate(), AuthenticationMechanism.HighGmac, AuthenticationValue.CharString(ctos)));
        Assert.NotEqual(stoc, other.RespondingAuthenticationValue);
    }

    [Theory]
    [InlineData(7)]
    [InlineData(65)]
    public void Receive_HlsChallengeOfWrongLength_RejectsWithAuthenticationFailure(int length)
    {
        using var session = Gmac();

        var aare = session.Associate(session.CipheredAarq(ServerSession.Initiate(), AuthenticationMechanism.HighGmac, AuthenticationValue.CharString(new byte[length])));

        Assert.Equal(AssociationResult.RejectedPermanent, aare.Result);
        Assert.Equal(AcseServiceUserDiagnostic.AuthenticationFailure, aare.ResultSourceDiagnostic.ServiceUser);
    }

    [Fact]
    public void Receive_HlsGmacGoodProof_AssociatesAndAnswersFCtoS()
    {
        using var session = Gmac();
        var (ctos, stoc) = Establish(session, AuthenticationMechanism.HighGmac);
        var proof = HlsGmac.ComputeResponse(session.ClientCipher, session.ClientTitle, session.ClientCounter++, stoc);

        var response = Reply(session, proof);

        Assert.Equal(ActionResult.Success, response.SingleResponse.Result);
        var fCtoS = Assert.IsType<CosemData.OctetString>(response.SingleResponse.ReturnParameters!.Data).Value.ToArray();
        Assert.True(HlsGmac.TryVerifyResponse(session.ClientCipher, session.ServerTitle, ctos, fCtoS, out var serverCounter));
        Assert.Equal(new SecurityControl(0x30), session.LastResponseControl);
        Assert.True(serverCounter > 0x01234567u, "f(CtoS) uses a counter after the AARE's");
        Assert.Equal(AssociationState.Associated, session.Association.State);
        Assert.True(session.Association.Context.IsAuthenticated);

        var get = session.Exchange(new GetRequestNormal(new InvokeIdAndPriority(0xC2), TestCosemServer.Clock), ServerSession.AuthenticatedEncryption);
        Assert.Equal(session.Server.Value(TestCosemServer.Clock), Assert.IsType<GetResponseNormal>(get).Result.Data);
    }

    [Fact]
    public void Receive_HlsGmacPass4_AnswersPublishedV6()
    {
        // V6 (Elster GcmCipherModTest): f(CtoS) for CtoS "K56iVagY" by ST_S with IC 01234567. Without ciphering the
        // AARE uses no counter, so pass 4 is the server's first protected message.
        var definition = new ServerAssociationDefinition
        {
            LogicalName = new ObisCode(0, 0, 40, 0, 3, 255),
            ClientSap = 48,
            Mechanism = AuthenticationMechanism.HighGmac,
            SupportedConformance = ServerAssociationDefinition.ImplementedConformance,
        };
        using var session = new ServerSession(definition, ServerSession.Keys());
        var aarq = ServerSession.Aarq(
            ApplicationContextName.LogicalNameReferencingNoCiphering,
            ServerSession.Initiate().ToArray(),
            AuthenticationMechanism.HighGmac,
            AuthenticationValue.CharString("K56iVagY"u8),
            session.ClientTitle);
        var stoc = session.Associate(aarq).RespondingAuthenticationValue!.Value.ToArray();
        var proof = HlsGmac.ComputeResponse(session.ClientCipher, session.ClientTitle, session.ClientCounter++, stoc);

        var response = Assert.IsType<ActionResponseNormal>(session.Exchange(
            new ActionRequestNormal(new InvokeIdAndPriority(0xC3), ReplyToHls, new CosemData.OctetString(proof))));

        Assert.Equal(
            "1001234567FE1466AFB3DBCD4F9389E2B7",
            Convert.ToHexString(Assert.IsType<CosemData.OctetString>(response.SingleResponse.ReturnParameters!.Data).Value.Span));
        Assert.Null(session.LastResponseControl);
        Assert.Equal(AssociationState.Associated, session.Association.State);
    }

    [Fact]
    public void Receive_HlsReplyToOwnAssociationObject_Associates()
    {
        using var session = Gmac();
        var (_, stoc) = Establish(session, AuthenticationMechanism.HighGmac);
        var proof = HlsGmac.ComputeResponse(session.ClientCipher, session.ClientTitle, session.ClientCounter++, stoc);
        var own = new CosemMethodDescriptor(15, session.Association.Definition.LogicalName, 1);

        var response = Assert.IsType<ActionResponseNormal>(session.Exchange(
            new ActionRequestNormal(new InvokeIdAndPriority(0xC3), own, new CosemData.OctetString(proof)),
            ServerSession.AuthenticatedEncryption));

        Assert.Equal(ActionResult.Success, response.SingleResponse.Result);
        Assert.Equal(AssociationState.Associated, session.Association.State);
    }

    [Theory]
    [InlineData(0)] // security control byte
    [InlineData(3)] // invocation counter
    [InlineData(16)] // last tag byte
    public void Receive_HlsGmacForgedProof_DeniesAndAborts(int flipAt)
    {
        using var session = Gmac();
        var (_, stoc) = Establish(session, AuthenticationMechanism.HighGmac);
        var proof = HlsGmac.ComputeResponse(session.ClientCipher, session.ClientTitle, session.ClientCounter++, stoc);
        proof[flipAt] ^= 0x01;

        var response = Reply(session, proof);

        AssertDenied(session, response);
    }

    [Fact]
    public void Receive_HlsGmacProofWithReplayedCounter_DeniesAndAborts()
    {
        // A valid f(StoC), but under the counter the glo-initiate-request already used.
        using var session = Gmac();
        var (_, stoc) = Establish(session, AuthenticationMechanism.HighGmac);
        var proof = HlsGmac.ComputeResponse(session.ClientCipher, session.ClientTitle, session.ClientCounter - 1, stoc);

        AssertDenied(session, Reply(session, proof));
    }

    [Fact]
    public void Receive_HlsGmacProofOfAnotherChallenge_DeniesAndAborts()
    {
        using var session = Gmac();
        var (ctos, _) = Establish(session, AuthenticationMechanism.HighGmac);
        var proof = HlsGmac.ComputeResponse(session.ClientCipher, session.ClientTitle, session.ClientCounter++, ctos);

        AssertDenied(session, Reply(session, proof));
    }

    [Fact]
    public void Receive_HlsProofNotAnOctetString_DeniesAndAborts()
    {
        using var session = Gmac();
        Establish(session, AuthenticationMechanism.HighGmac);

        var response = Assert.IsType<ActionResponseNormal>(session.Exchange(
            new ActionRequestNormal(new InvokeIdAndPriority(0xC3), ReplyToHls, new CosemData.VisibleString("proof")),
            ServerSession.AuthenticatedEncryption));

        AssertDenied(session, response);
    }

    [Fact]
    public void Receive_HlsProofInPlaintextWherePolicyRequiresCiphering_DeniesAndAborts()
    {
        using var session = Gmac();
        var (_, stoc) = Establish(session, AuthenticationMechanism.HighGmac);
        var proof = HlsGmac.ComputeResponse(session.ClientCipher, session.ClientTitle, session.ClientCounter++, stoc);

        var response = Assert.IsType<ActionResponseNormal>(session.Open(session.Receive(
            new ActionRequestNormal(new InvokeIdAndPriority(0xC3), ReplyToHls, new CosemData.OctetString(proof)).ToArray())));

        // The refusal itself is ciphered as the policy requires of every response.
        Assert.Equal(new SecurityControl(0x30), session.LastResponseControl);
        AssertDenied(session, response);
    }

    [Fact]
    public void Receive_RequestsBeforeHlsCompletes_AreDeniedAndReachNothing()
    {
        using var session = Gmac();
        Establish(session, AuthenticationMechanism.HighGmac);
        var invoke = new InvokeIdAndPriority(0xC4);

        var get = Assert.IsType<GetResponseNormal>(session.Exchange(new GetRequestNormal(invoke, TestCosemServer.Clock), ServerSession.AuthenticatedEncryption));
        var list = Assert.IsType<GetResponseWithList>(session.Exchange(
            new GetRequestWithList(invoke, [new(TestCosemServer.Clock), new(TestCosemServer.OutputState)]),
            ServerSession.AuthenticatedEncryption));
        var set = Assert.IsType<SetResponseNormal>(session.Exchange(
            new SetRequestNormal(invoke, TestCosemServer.Clock, null, CosemData.NullData.Instance),
            ServerSession.AuthenticatedEncryption));
        var action = Assert.IsType<ActionResponseNormal>(session.Exchange(
            new ActionRequestNormal(invoke, TestCosemServer.RemoteDisconnect),
            ServerSession.AuthenticatedEncryption));
        var otherMethod = Assert.IsType<ActionResponseNormal>(session.Exchange(
            new ActionRequestNormal(invoke, ReplyToHls with { MethodId = 2 }, new CosemData.OctetString(new byte[17])),
            ServerSession.AuthenticatedEncryption));
        var next = Assert.IsType<GetResponseWithDatablock>(session.Exchange(new GetRequestNext(invoke, 1), ServerSession.AuthenticatedEncryption));

        Assert.Equal(DataAccessResult.ReadWriteDenied, get.Result.Result);
        Assert.All(list.Result, r => Assert.Equal(DataAccessResult.ReadWriteDenied, r.Result));
        Assert.Equal(2, list.Result.Length);
        Assert.Equal(DataAccessResult.ReadWriteDenied, set.Result);
        Assert.Equal(ActionResult.ReadWriteDenied, action.SingleResponse.Result);
        Assert.Equal(ActionResult.ReadWriteDenied, otherMethod.SingleResponse.Result);
        Assert.Equal(DataAccessResult.ReadWriteDenied, next.Result.Result);
        Assert.Empty(session.Server.Calls);
        Assert.Empty(session.Server.Contexts);
        Assert.Equal(AssociationState.AwaitingHlsCompletion, session.Association.State);
    }

    [Fact]
    public void Receive_HlsReplyAfterAssociation_IsDenied()
    {
        using var session = Gmac();
        var (_, stoc) = Establish(session, AuthenticationMechanism.HighGmac);
        Reply(session, HlsGmac.ComputeResponse(session.ClientCipher, session.ClientTitle, session.ClientCounter++, stoc));

        var again = Reply(session, HlsGmac.ComputeResponse(session.ClientCipher, session.ClientTitle, session.ClientCounter++, stoc));

        Assert.Equal(ActionResult.ReadWriteDenied, again.SingleResponse.Result);
        Assert.Equal(AssociationState.Associated, session.Association.State);
    }

    [Fact]
    public void Receive_HlsEcdsaGoodProof_AssociatesAndAnswersSignedCtoS()
    {
        using var session = Ecdsa();
        var (ctos, stoc) = Establish(session, AuthenticationMechanism.HighEcdsa);
        var proof = HlsEcdsa.ComputeClientProof(_clientKey, session.ClientTitle, session.ServerTitle, stoc, ctos);

        var response = Reply(session, proof, securityControl: 0x31);

        Assert.Equal(ActionResult.Success, response.SingleResponse.Result);
        var fCtoS = Assert.IsType<CosemData.OctetString>(response.SingleResponse.ReturnParameters!.Data).Value.ToArray();
        Assert.True(HlsEcdsa.VerifyServerProof(_serverKey, session.ServerTitle, session.ClientTitle, ctos, stoc, fCtoS));
        Assert.Equal(new SecurityControl(0x31), session.LastResponseControl);
        Assert.Equal(AssociationState.Associated, session.Association.State);
    }

    [Fact]
    public void Receive_HlsEcdsaProofByAnotherKey_DeniesAndAborts()
    {
        using var session = Ecdsa();
        var (ctos, stoc) = Establish(session, AuthenticationMechanism.HighEcdsa);
        using var impostor = EcdsaP256.GenerateKeyPair();
        var proof = HlsEcdsa.ComputeClientProof(impostor, session.ClientTitle, session.ServerTitle, stoc, ctos);

        AssertDenied(session, Reply(session, proof, securityControl: 0x31));
    }

    [Fact]
    public void Receive_HlsEcdsaProofWithSwappedChallenges_DeniesAndAborts()
    {
        // The server's own proof order (CtoS before StoC) must not pass as the client's.
        using var session = Ecdsa();
        var (ctos, stoc) = Establish(session, AuthenticationMechanism.HighEcdsa);
        var proof = HlsEcdsa.ComputeClientProof(_clientKey, session.ClientTitle, session.ServerTitle, ctos, stoc);

        AssertDenied(session, Reply(session, proof, securityControl: 0x31));
    }

    [Fact]
    public void Constructor_EcdsaWithoutSuite1Keys_Throws()
    {
        var definition = ServerAssociationDefinition.UtilitySettings(AuthenticationMechanism.HighEcdsa);

        Assert.Throws<ArgumentException>(() => new ServerAssociation(definition, ServerSession.Keys(), TestCosemServer.Profile(), new(), new()));
        Assert.Throws<ArgumentException>(() => new ServerAssociation(
            definition, ServerSession.Keys(SecuritySuite.EcdhEcdsaAesGcm128Sha256) with { SigningKey = _serverKey }, TestCosemServer.Profile(), new(), new()));
    }

    public void Dispose()
    {
        _clientKey.Dispose();
        _serverKey.Dispose();
    }

    private static ServerSession Gmac() => new(ServerAssociationDefinition.UtilitySettings(), ServerSession.Keys());

    private static (byte[] CtoS, byte[] StoC) Establish(ServerSession session, AuthenticationMechanism mechanism)
    {
        var ctos = HlsChallenge.Generate();
        var control = mechanism == AuthenticationMechanism.HighEcdsa ? (byte)0x31 : ServerSession.AuthenticatedEncryption;
        var aare = session.Associate(session.CipheredAarq(ServerSession.Initiate(), mechanism, AuthenticationValue.CharString(ctos), control));
        Assert.Equal(AssociationResult.Accepted, aare.Result);
        Assert.Equal(AssociationState.AwaitingHlsCompletion, session.Association.State);
        return (ctos, aare.RespondingAuthenticationValue!.Value.ToArray());
    }

    private static ActionResponseNormal Reply(ServerSession session, byte[] proof, byte securityControl = ServerSession.AuthenticatedEncryption) =>
        Assert.IsType<ActionResponseNormal>(session.Exchange(
            new ActionRequestNormal(new InvokeIdAndPriority(0xC3), ReplyToHls, new CosemData.OctetString(proof)),
            securityControl));

    private static void AssertDenied(ServerSession session, ActionResponseNormal response)
    {
        Assert.Equal(ActionResult.ReadWriteDenied, response.SingleResponse.Result);
        Assert.Null(response.SingleResponse.ReturnParameters);
        Assert.Equal(AssociationState.Aborted, session.Association.State);
        Assert.False(session.Association.HasDedicatedKey);
        ServerSession.AssertException(
            session.Association.Receive(session.Glo(new GetRequestNormal(new InvokeIdAndPriority(0xC1), TestCosemServer.Clock))),
            StateError.ServiceNotAllowed,
            ServiceError.OperationNotPossible);
        Assert.Empty(session.Server.Calls);
    }

    private ServerSession Ecdsa()
    {
        var keys = ServerSession.Keys(SecuritySuite.EcdhEcdsaAesGcm128Sha256) with
        {
            SigningKey = _serverKey,
            PeerPublicKey = EcdsaP256.ImportPublicKey(EcdsaP256.ExportPublicKey(_clientKey)),
        };
        return new ServerSession(ServerAssociationDefinition.UtilitySettings(AuthenticationMechanism.HighEcdsa), keys);
    }
}
