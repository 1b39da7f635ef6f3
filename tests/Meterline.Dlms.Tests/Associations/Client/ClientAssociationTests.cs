using Meterline.Dlms.Acse;
using Meterline.Dlms.Apdus;
using Meterline.Dlms.Associations;
using Meterline.Dlms.Cosem;
using Meterline.Dlms.Security;

namespace Meterline.Dlms.Tests.Associations.Client;

public class ClientAssociationTests
{
    private static readonly InvokeIdAndPriority Invoke = new(1, confirmed: true, highPriority: true);
    private static readonly GetRequestNormal GetClock = new(Invoke, new CosemAttributeDescriptor(8, ObisCode.Clock, 2));

    // u9n/dlms-cosem tests/test_asce/test_aare.py: accepted, LN without ciphering, conformance 00101D, max PDU 0400.
    private const string PublishedAare = "6129A109060760857405080101A203020100A305A103020100BE10040E0800065F1F040000101D04000007";

    [Fact]
    public void CreateAarq_NoSecurity_IsLnWithoutAuthentication()
    {
        using var client = new ClientAssociation(new ClientAssociationSettings());
        var aarq = Assert.IsType<Aarq>(ApduCodec.Decode(client.CreateAarq()));
        Assert.Equal(ApplicationContextName.LogicalNameReferencingNoCiphering, aarq.ApplicationContextName);
        Assert.Null(aarq.MechanismName);
        Assert.Null(aarq.CallingApTitle);
        var initiate = Assert.IsType<InitiateRequest>(aarq.DecodeUserInformation());
        Assert.Equal(ClientAssociationSettings.DefaultConformance, initiate.ProposedConformance);
        Assert.Equal(2048, initiate.ClientMaxReceivePduSize);
        Assert.Null(initiate.DedicatedKey);
        Assert.Equal(AssociationState.AwaitingResponse, client.State);
    }

    [Fact]
    public void ReceiveAare_PublishedAcceptance_IsAssociatedWithNegotiatedValues()
    {
        using var client = new ClientAssociation(new ClientAssociationSettings());
        client.CreateAarq();
        var outcome = client.ReceiveAare(Convert.FromHexString(PublishedAare));
        Assert.True(outcome.IsAssociated);
        Assert.Equal(0x0400, client.ServerMaxReceivePduSize);
        Assert.Equal((Conformance)0x00101D & ClientAssociationSettings.DefaultConformance, client.NegotiatedConformance);
        Assert.Equal(GetClock.ToArray(), client.ProtectRequest(GetClock));
    }

    [Fact]
    public void CreateAarq_Lls_CarriesThePassword()
    {
        using var client = new ClientAssociation(new ClientAssociationSettings { Mechanism = AuthenticationMechanism.Low, Password = LlsPassword.FromBytes("12345678"u8) });
        var aarq = Assert.IsType<Aarq>(ApduCodec.Decode(client.CreateAarq()));
        Assert.Equal(AuthenticationMechanism.Low, aarq.MechanismName);
        Assert.Equal(AcseRequirements.Authentication, aarq.SenderAcseRequirements);
        Assert.Equal("12345678"u8.ToArray(), aarq.CallingAuthenticationValue!.Value.ToArray());
    }

    [Fact]
    public void ReceiveAare_Refused_ReturnsTheDiagnosticAndAborts()
    {
        using var client = new ClientAssociation(new ClientAssociationSettings { Mechanism = AuthenticationMechanism.Low, Password = LlsPassword.FromBytes("wrong"u8) });
        client.CreateAarq();
        var aare = new Aare
        {
            ApplicationContextName = ApplicationContextName.LogicalNameReferencingNoCiphering,
            Result = AssociationResult.RejectedPermanent,
            ResultSourceDiagnostic = AssociateSourceDiagnostic.FromServiceUser(AcseServiceUserDiagnostic.AuthenticationFailure),
        };
        var outcome = client.ReceiveAare(aare.ToArray());
        Assert.False(outcome.IsAssociated);
        Assert.Equal(AcseServiceUserDiagnostic.AuthenticationFailure, outcome.Diagnostic.ServiceUser);
        Assert.Equal(AssociationState.Aborted, client.State);
        Assert.Throws<InvalidOperationException>(() => client.ProtectRequest(GetClock));
    }

    [Fact]
    public void Ciphered_FullExchange_RequestsAndResponsesAreProtectedAndChecked()
    {
        using var server = new ScriptedServer();
        using var client = CipheredClient(server, out var counter);
        var aarq = Assert.IsType<Aarq>(ApduCodec.Decode(client.CreateAarq()));
        Assert.Equal(ScriptedServer.ClientTitle.Encode(), aarq.CallingApTitle!.Value.ToArray());
        Assert.True(aarq.IsUserInformationCiphered);
        var initiate = Assert.IsType<InitiateRequest>(server.Unprotect(aarq.UserInformation!.Value.ToArray()));
        Assert.Equal(2048, initiate.ClientMaxReceivePduSize);

        var outcome = client.ReceiveAare(server.Aare(ApplicationContextName.LogicalNameReferencingWithCiphering, cipherUserInformation: true));
        Assert.True(outcome.IsAssociated);
        Assert.Equal(ScriptedServer.ServerTitle, client.ServerSystemTitle);

        var request = client.ProtectRequest(GetClock);
        Assert.Equal(0xC8, request[0]);
        Assert.Equal(GetClock, server.Unprotect(request));
        var reply = new GetResponseNormal(Invoke, new GetDataResult(new CosemData.OctetString(new byte[12])));
        var received = client.UnprotectResponse(server.Protect(reply));
        Assert.Equal(reply, received.Apdu);
        Assert.True(received.Protection.Encrypted && received.Protection.Authenticated);
        // The glo-initiate-request used counter 1 and the GET counter 2.
        Assert.Equal(3u, counter.Next);
    }

    [Fact]
    public void UnprotectResponse_ReplayedEqualOrOlderCounter_IsRejected()
    {
        using var server = new ScriptedServer();
        using var client = Associate(server);
        var reply = new GetResponseNormal(Invoke, new GetDataResult(new CosemData.Unsigned(1)));
        client.ProtectRequest(GetClock);
        var baseCounter = server.Counter + 100;
        var first = server.Protect(reply, counter: baseCounter);
        client.UnprotectResponse(first);
        client.ProtectRequest(GetClock);
        Assert.Equal(DlmsErrorReason.ReplayDetected, Assert.Throws<DlmsSecurityException>(() => client.UnprotectResponse(first)).Reason);
        Assert.Equal(DlmsErrorReason.ReplayDetected, Assert.Throws<DlmsSecurityException>(() => client.UnprotectResponse(server.Protect(reply, counter: baseCounter - 1))).Reason);
        client.UnprotectResponse(server.Protect(reply, counter: baseCounter + 1));
    }

    [Fact]
    public void UnprotectResponse_ForgedResponse_DoesNotAdvanceTheCounter()
    {
        using var server = new ScriptedServer();
        using var client = Associate(server);
        var reply = new GetResponseNormal(Invoke, new GetDataResult(new CosemData.Unsigned(1)));
        client.ProtectRequest(GetClock);
        var forged = server.Protect(reply, counter: server.Counter + 500);
        forged[^1] ^= 0x01;
        Assert.Equal(DlmsErrorReason.AuthenticationFailed, Assert.Throws<DlmsSecurityException>(() => client.UnprotectResponse(forged)).Reason);
        // A genuine response with a lower counter than the forged one is still accepted.
        client.UnprotectResponse(server.Protect(reply, counter: server.Counter + 200));
    }

    [Fact]
    public void UnprotectResponse_PlaintextReplyToCipheredRequest_IsRejected()
    {
        using var server = new ScriptedServer();
        using var client = Associate(server);
        client.ProtectRequest(GetClock);
        var plain = new GetResponseNormal(Invoke, new GetDataResult(new CosemData.Unsigned(1))).ToArray();
        Assert.Equal(DlmsErrorReason.SecurityPolicyViolation, Assert.Throws<DlmsSecurityException>(() => client.UnprotectResponse(plain)).Reason);
    }

    [Fact]
    public void UnprotectResponse_AuthenticatedOnlyReplyToEncryptedRequest_IsADowngrade()
    {
        using var server = new ScriptedServer();
        using var client = Associate(server);
        client.ProtectRequest(GetClock);
        var weaker = server.Protect(new GetResponseNormal(Invoke, new GetDataResult(new CosemData.Unsigned(1))), SecurityControl.AuthenticationOnly);
        Assert.Equal(DlmsErrorReason.SecurityPolicyViolation, Assert.Throws<DlmsSecurityException>(() => client.UnprotectResponse(weaker)).Reason);
    }

    [Fact]
    public void UnprotectResponse_PlainExceptionResponse_IsPassedOnAsAnError()
    {
        using var server = new ScriptedServer();
        using var client = Associate(server);
        client.ProtectRequest(GetClock);
        var exception = new ExceptionResponse(StateError.ServiceNotAllowed, Meterline.Dlms.Apdus.ServiceError.DecipheringError);
        Assert.Equal(exception, client.UnprotectResponse(exception.ToArray()).Apdu);
    }

    [Fact]
    public void UnprotectResponse_GeneralGloCipheringFromAnotherSender_IsRejected()
    {
        using var server = new ScriptedServer();
        using var client = Associate(server);
        client.ProtectRequest(GetClock);
        var plain = new GetResponseNormal(Invoke, new GetDataResult(new CosemData.Unsigned(1))).ToArray();
        var other = SystemTitle.Parse("4D4D4D00000000FF");
        var apdu = GeneralGloCiphering.Protect(server.Cipher, SecurityControl.AuthenticatedEncryption, other, 9999, plain).ToArray();
        Assert.Equal(DlmsErrorReason.SecurityPolicyViolation, Assert.Throws<DlmsSecurityException>(() => client.UnprotectResponse(apdu)).Reason);
    }

    [Fact]
    public void ReceiveAare_PlainInitiateResponseInCipheredContext_AbortsAsDowngrade()
    {
        using var server = new ScriptedServer();
        using var client = CipheredClient(server, out _);
        client.CreateAarq();
        var e = Assert.Throws<DlmsSecurityException>(() => client.ReceiveAare(server.Aare(ApplicationContextName.LogicalNameReferencingWithCiphering, cipherUserInformation: false)));
        Assert.Equal(DlmsErrorReason.SecurityPolicyViolation, e.Reason);
        Assert.Equal(AssociationState.Aborted, client.State);
    }

    [Fact]
    public void ReceiveAare_UnexpectedServerSystemTitle_Aborts()
    {
        using var server = new ScriptedServer();
        var counter = new OutgoingInvocationCounter(1);
        using var client = new ClientAssociation(
            new ClientAssociationSettings { ApplicationContext = ApplicationContextName.LogicalNameReferencingWithCiphering, ExpectedServerSystemTitle = SystemTitle.Parse("4D4D4D0000000099") },
            server.ClientKeys(),
            counter);
        client.CreateAarq();
        Assert.Throws<DlmsSecurityException>(() => client.ReceiveAare(server.Aare(ApplicationContextName.LogicalNameReferencingWithCiphering, cipherUserInformation: true)));
        Assert.Equal(AssociationState.Aborted, client.State);
    }

    [Fact]
    public void HlsGmac_ServerProofGood_Associates()
    {
        using var server = new ScriptedServer();
        using var client = HlsClient(server, AuthenticationMechanism.HighGmac, out var aarq, out var storedChallenge);
        var reply = (ActionRequestNormal)server.Unprotect(client.ProtectRequest(client.CreateHlsReply(Invoke)));
        var fStoC = ((CosemData.OctetString)reply.MethodInvocationParameters!).Value.ToArray();
        HlsGmac.VerifyResponse(server.Cipher, ScriptedServer.ClientTitle, storedChallenge, fStoC);

        var fCtoS = HlsGmac.ComputeResponse(server.Cipher, ScriptedServer.ServerTitle, server.Counter++, aarq.CallingAuthenticationValue!.Value.Span);
        var response = new ActionResponseNormal(Invoke, new ActionResponseWithOptionalData(ActionResult.Success, new GetDataResult(new CosemData.OctetString(fCtoS))));
        client.CompleteHls(client.UnprotectResponse(server.Protect(response)).Apdu);
        Assert.Equal(AssociationState.Associated, client.State);
    }

    [Fact]
    public void HlsGmac_ForgedServerProof_AbortsTheAssociation()
    {
        using var server = new ScriptedServer();
        using var client = HlsClient(server, AuthenticationMechanism.HighGmac, out var aarq, out _);
        client.ProtectRequest(client.CreateHlsReply(Invoke));
        var fCtoS = HlsGmac.ComputeResponse(server.Cipher, ScriptedServer.ServerTitle, server.Counter++, aarq.CallingAuthenticationValue!.Value.Span);
        fCtoS[^1] ^= 0x01;
        var response = new ActionResponseNormal(Invoke, new ActionResponseWithOptionalData(ActionResult.Success, new GetDataResult(new CosemData.OctetString(fCtoS))));
        var received = client.UnprotectResponse(server.Protect(response)).Apdu;
        Assert.Equal(DlmsErrorReason.AuthenticationFailed, Assert.Throws<DlmsSecurityException>(() => client.CompleteHls(received)).Reason);
        Assert.Equal(AssociationState.Aborted, client.State);
        Assert.Throws<InvalidOperationException>(() => client.ProtectRequest(GetClock));
    }

    [Fact]
    public void HlsGmac_ServerRefusesReply_Aborts()
    {
        using var server = new ScriptedServer();
        using var client = HlsClient(server, AuthenticationMechanism.HighGmac, out _, out _);
        client.ProtectRequest(client.CreateHlsReply(Invoke));
        var refused = new ActionResponseNormal(Invoke, new ActionResponseWithOptionalData(ActionResult.OtherReason));
        Assert.Throws<DlmsSecurityException>(() => client.CompleteHls(client.UnprotectResponse(server.Protect(refused)).Apdu));
        Assert.Equal(AssociationState.Aborted, client.State);
    }

    [Fact]
    public void HlsEcdsa_GoodProofAssociates_ProofFromAnotherKeyAborts()
    {
        using var server = new ScriptedServer(SecuritySuite.EcdhEcdsaAesGcm128Sha256);
        foreach (var forged in new[] { false, true })
        {
            using var client = HlsClient(server, AuthenticationMechanism.HighEcdsa, out var aarq, out var storedChallenge);
            var reply = (ActionRequestNormal)server.Unprotect(client.ProtectRequest(client.CreateHlsReply(Invoke)));
            var clientProof = ((CosemData.OctetString)reply.MethodInvocationParameters!).Value.Span;
            var cToS = aarq.CallingAuthenticationValue!.Value.Span;
            Assert.True(HlsEcdsa.VerifyClientProof(server.ClientSigningKey, ScriptedServer.ClientTitle, ScriptedServer.ServerTitle, storedChallenge, cToS, clientProof));

            using var impostor = EcdsaP256.GenerateKeyPair();
            var proof = HlsEcdsa.ComputeServerProof(forged ? impostor : server.ServerSigningKey, ScriptedServer.ServerTitle, ScriptedServer.ClientTitle, cToS, storedChallenge);
            var response = new ActionResponseNormal(Invoke, new ActionResponseWithOptionalData(ActionResult.Success, new GetDataResult(new CosemData.OctetString(proof))));
            var received = client.UnprotectResponse(server.Protect(response)).Apdu;
            if (forged)
            {
                Assert.Throws<DlmsSecurityException>(() => client.CompleteHls(received));
                Assert.Equal(AssociationState.Aborted, client.State);
            }
            else
            {
                client.CompleteHls(received);
                Assert.Equal(AssociationState.Associated, client.State);
            }
        }
    }

    [Fact]
    public void DedicatedKey_RequestsUseDedTagsAndTheProposedKey()
    {
        using var server = new ScriptedServer();
        var counter = new OutgoingInvocationCounter(1);
        using var client = new ClientAssociation(
            new ClientAssociationSettings { ApplicationContext = ApplicationContextName.LogicalNameReferencingWithCiphering, UseDedicatedKey = true },
            server.ClientKeys(),
            counter);
        var aarq = Assert.IsType<Aarq>(ApduCodec.Decode(client.CreateAarq()));
        var initiate = Assert.IsType<InitiateRequest>(server.Unprotect(aarq.UserInformation!.Value.ToArray()));
        Assert.Equal(16, initiate.DedicatedKey!.Value.Length);
        client.ReceiveAare(server.Aare(ApplicationContextName.LogicalNameReferencingWithCiphering, cipherUserInformation: true));

        var request = client.ProtectRequest(GetClock);
        Assert.Equal(0xD0, request[0]);
        using var dedicated = new AesGcmCipher(CipherKey.FromBytes(initiate.DedicatedKey.Value.Span), ScriptedServer.AuthenticationKey);
        var ciphered = (CipheredApdu)ApduCodec.Decode(request);
        Assert.Equal(GetClock, ApduCodec.Decode(ciphered.Unprotect(dedicated, ScriptedServer.ClientTitle)));
        var reply = new GetResponseNormal(Invoke, new GetDataResult(new CosemData.Unsigned(7)));
        var response = CipheredApdu.Protect(dedicated, SecurityControl.AuthenticatedEncryption, ScriptedServer.ServerTitle, 1, reply.ToArray(), dedicated: true).ToArray();
        Assert.Equal(reply, client.UnprotectResponse(response).Apdu);
    }

    [Fact]
    public void Release_RlrqThenRlre_IsReleased()
    {
        using var client = new ClientAssociation(new ClientAssociationSettings());
        client.CreateAarq();
        client.ReceiveAare(Convert.FromHexString(PublishedAare));
        Assert.IsType<Rlrq>(ApduCodec.Decode(client.CreateReleaseRequest()));
        client.ReceiveReleaseResponse(new Rlre { Reason = ReleaseResponseReason.Normal }.ToArray());
        Assert.Equal(AssociationState.Released, client.State);
    }

    [Fact]
    public void ProtectRequest_LargerThanServerAccepts_Throws()
    {
        using var client = new ClientAssociation(new ClientAssociationSettings());
        client.CreateAarq();
        client.ReceiveAare(Convert.FromHexString(PublishedAare));
        var big = new SetRequestNormal(Invoke, new CosemAttributeDescriptor(1, ObisCode.Clock, 2), null, new CosemData.OctetString(new byte[2000]));
        Assert.Throws<InvalidOperationException>(() => client.ProtectRequest(big));
    }

    [Fact]
    public void Constructor_CipheredWithoutKeys_Throws()
    {
        Assert.Throws<ArgumentException>(() => new ClientAssociation(new ClientAssociationSettings { ApplicationContext = ApplicationContextName.LogicalNameReferencingWithCiphering }));
        Assert.Throws<ArgumentException>(() => new ClientAssociation(new ClientAssociationSettings { Mechanism = AuthenticationMechanism.Low }));
    }

    private static ClientAssociation CipheredClient(ScriptedServer server, out OutgoingInvocationCounter counter)
    {
        counter = new OutgoingInvocationCounter(1);
        return new ClientAssociation(
            new ClientAssociationSettings { ApplicationContext = ApplicationContextName.LogicalNameReferencingWithCiphering },
            server.ClientKeys(),
            counter);
    }

    private static ClientAssociation Associate(ScriptedServer server)
    {
        var client = CipheredClient(server, out _);
        client.CreateAarq();
        client.ReceiveAare(server.Aare(ApplicationContextName.LogicalNameReferencingWithCiphering, cipherUserInformation: true));
        return client;
    }

    private static ClientAssociation HlsClient(ScriptedServer server, AuthenticationMechanism mechanism, out Aarq aarq, out byte[] serverChallenge)
    {
        var client = new ClientAssociation(
            new ClientAssociationSettings { ApplicationContext = ApplicationContextName.LogicalNameReferencingWithCiphering, Mechanism = mechanism },
            server.ClientKeys(),
            new OutgoingInvocationCounter(1));
        aarq = Assert.IsType<Aarq>(ApduCodec.Decode(client.CreateAarq()));
        Assert.Equal(mechanism, aarq.MechanismName);
        Assert.Equal(16, aarq.CallingAuthenticationValue!.Value.Length);
        serverChallenge = HlsChallenge.Generate(16);
        var outcome = client.ReceiveAare(server.Aare(ApplicationContextName.LogicalNameReferencingWithCiphering, mechanism, serverChallenge, cipherUserInformation: true));
        Assert.True(outcome.NeedsHlsCompletion);
        Assert.Throws<InvalidOperationException>(() => client.ProtectRequest(GetClock));
        return client;
    }
}
