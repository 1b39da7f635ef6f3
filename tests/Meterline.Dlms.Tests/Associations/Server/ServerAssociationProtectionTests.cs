using System.Security.Cryptography;
using Meterline.Dlms.Acse;
using Meterline.Dlms.Apdus;
using Meterline.Dlms.Associations;
using Meterline.Dlms.Cosem;
using Meterline.Dlms.Security;
using Meterline.Dlms.Tests.Security;
using ServiceError = Meterline.Dlms.Apdus.ServiceError;

namespace Meterline.Dlms.Tests.Associations.Server;

public sealed class ServerAssociationProtectionTests : IDisposable
{
    private static readonly InvokeIdAndPriority Invoke = new(0xC1);

    private readonly ECDsa _clientKey = EcdsaP256.GenerateKeyPair();
    private readonly ECDsa _serverKey = EcdsaP256.GenerateKeyPair();

    /// <summary>The meter reader's rights (SAP 32) in a ciphered context without a security policy.</summary>
    internal static ServerAssociationDefinition CipheredReader => new()
    {
        LogicalName = new ObisCode(0, 0, 40, 0, 2, 255),
        ClientSap = TestCosemServer.ReaderSap,
        Mechanism = AuthenticationMechanism.Lowest,
        RequiresCiphering = true,
        SupportedConformance = ServerAssociationDefinition.ImplementedConformance,
    };

    /// <summary>The utility's rights (SAP 48) with a policy of authenticated and encrypted requests and responses.</summary>
    internal static ServerAssociationDefinition PolicyProtected => CipheredReader with
    {
        LogicalName = new ObisCode(0, 0, 40, 0, 3, 255),
        ClientSap = TestCosemServer.UtilitySap,
        SecurityPolicy = SecurityPolicy.AuthenticatedRequest | SecurityPolicy.EncryptedRequest |
            SecurityPolicy.AuthenticatedResponse | SecurityPolicy.EncryptedResponse,
    };

    [Theory]
    [InlineData(ServerSession.AuthenticatedEncryption)]
    [InlineData(ServerSession.AuthenticationOnly)]
    public void Receive_GloGetRequest_AnswersGloGetResponseProtectedLikeTheRequest(byte securityControl)
    {
        using var session = Associated(CipheredReader);

        var response = Assert.IsType<GetResponseNormal>(session.Exchange(new GetRequestNormal(Invoke, TestCosemServer.LogicalDeviceName), securityControl));

        Assert.Equal(CipheredApduTags.GloGetResponse, session.LastResponseTag);
        Assert.Equal(new SecurityControl(securityControl), session.LastResponseControl);
        Assert.Equal(session.Server.Value(TestCosemServer.LogicalDeviceName), response.Result.Data);
        Assert.Equal(new MessageProtection(true, securityControl == ServerSession.AuthenticatedEncryption, false), session.Association.Context.RequestProtection);
        Assert.Equal(session.Association.Context, session.Server.Contexts[^1]);
    }

    [Fact]
    public void Receive_PlainRequestWithoutPolicyOrRight_AnswersPlain()
    {
        using var session = Associated(CipheredReader);

        var response = Assert.IsType<GetResponseNormal>(session.Exchange(new GetRequestNormal(Invoke, TestCosemServer.LogicalDeviceName)));

        Assert.Equal(ApduTag.GetResponse, session.LastResponseTag);
        Assert.NotNull(response.Result.Data);
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData(ServerSession.AuthenticationOnly, false)]
    [InlineData(ServerSession.AuthenticatedEncryption, true)]
    public void Receive_RequestWeakerThanTheAccessRight_IsDeniedWithoutReadingTheObject(byte? securityControl, bool served)
    {
        // The meter reader may read the serial number only with an authenticated and encrypted request.
        using var session = Associated(CipheredReader);

        var response = Assert.IsType<GetResponseNormal>(session.Exchange(new GetRequestNormal(Invoke, TestCosemServer.SerialNumber), securityControl));

        Assert.Equal(served ? DataAccessResult.Success : DataAccessResult.ReadWriteDenied, response.Result.Result);
        Assert.Equal(served, session.Server.Calls.Count == 1);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(ServerSession.AuthenticationOnly)]
    public void Receive_RequestWeakerThanThePolicy_IsDeniedAndTheRefusalProtectedAsThePolicyRequires(byte? securityControl)
    {
        using var session = Associated(PolicyProtected);

        var set = Assert.IsType<SetResponseNormal>(session.Exchange(new SetRequestNormal(Invoke, TestCosemServer.Tariff, null, new CosemData.OctetString(new byte[2])), securityControl));

        Assert.Equal(DataAccessResult.ReadWriteDenied, set.Result);
        Assert.Equal(CipheredApduTags.GloSetResponse, session.LastResponseTag);
        Assert.Equal(new SecurityControl(0x30), session.LastResponseControl);
        Assert.Empty(session.Server.Calls);
        Assert.Equal(new CosemData.OctetString(new byte[4]), session.Server.Value(TestCosemServer.Tariff));
    }

    [Fact]
    public void Receive_RequestMeetingThePolicy_IsServed()
    {
        using var session = Associated(PolicyProtected);

        var set = Assert.IsType<SetResponseNormal>(session.Exchange(
            new SetRequestNormal(Invoke, TestCosemServer.Tariff, null, new CosemData.OctetString(new byte[2])),
            ServerSession.AuthenticatedEncryption));

        Assert.Equal(DataAccessResult.Success, set.Result);
        Assert.Equal(new CosemData.OctetString(new byte[2]), session.Server.Value(TestCosemServer.Tariff));
    }

    [Theory]
    [InlineData(null)]
    [InlineData(ServerSession.AuthenticationOnly)]
    public void Receive_AccessRightRequiringProtectedResponse_StrengthensTheResponse(byte? securityControl)
    {
        using var session = Associated(CipheredReader);
        session.Server.Attribute(
            TestCosemServer.Clock,
            session.Server.Value(TestCosemServer.Clock),
            (TestCosemServer.ReaderSap, AttributeAccess.Read | AttributeAccess.AuthenticatedResponse | AttributeAccess.EncryptedResponse));

        var response = Assert.IsType<GetResponseNormal>(session.Exchange(new GetRequestNormal(Invoke, TestCosemServer.Clock), securityControl));

        Assert.Equal(CipheredApduTags.GloGetResponse, session.LastResponseTag);
        Assert.Equal(new SecurityControl(0x30), session.LastResponseControl);
        Assert.NotNull(response.Result.Data);
    }

    [Fact]
    public void Receive_ReplayedRequest_IsRefusedWithTheExpectedCounter()
    {
        using var session = Associated(CipheredReader);
        var request = session.Glo(new GetRequestNormal(Invoke, TestCosemServer.LogicalDeviceName));
        session.Receive(request);

        var exception = ServerSession.AssertException(session.Association.Receive(request), StateError.ServiceNotAllowed, ServiceError.InvocationCounterError);

        Assert.Equal(session.ClientCounter, exception.InvocationCounter);
        Assert.Single(session.Server.Calls);
    }

    [Theory]
    [InlineData(0)] // the same counter as the last request
    [InlineData(1)] // an older one
    public void Receive_EqualOrOlderCounter_IsRefused(uint behind)
    {
        using var session = Associated(CipheredReader);
        session.Exchange(new GetRequestNormal(Invoke, TestCosemServer.LogicalDeviceName), ServerSession.AuthenticatedEncryption);
        var last = session.ClientCounter - 1;

        var response = session.Association.Receive(session.Glo(new GetRequestNormal(Invoke, TestCosemServer.Clock), counter: last - behind));

        Assert.Equal(last + 1, ServerSession.AssertException(response, StateError.ServiceNotAllowed, ServiceError.InvocationCounterError).InvocationCounter);
        Assert.True(session.Guard.TryGetLastAccepted(session.ClientTitle, KeyId.GlobalUnicastEncryptionKey, out var accepted));
        Assert.Equal(last, accepted);
        Assert.Single(session.Server.Calls);
    }

    [Theory]
    [InlineData(3)] // invocation counter
    [InlineData(9)] // ciphertext
    [InlineData(-1)] // authentication tag
    public void Receive_ForgedRequest_IsRefusedAndLeavesTheCounter(int flipAt)
    {
        using var session = Associated(CipheredReader);
        var counter = session.ClientCounter;
        var request = session.Glo(new GetRequestNormal(Invoke, TestCosemServer.Clock));
        var forged = (byte[])request.Clone();
        forged[flipAt < 0 ? forged.Length + flipAt : 2 + flipAt] ^= 0x80;

        ServerSession.AssertException(session.Association.Receive(forged), StateError.ServiceNotAllowed, ServiceError.DecipheringError);

        Assert.Empty(session.Server.Calls);
        Assert.True(session.Guard.TryGetLastAccepted(session.ClientTitle, KeyId.GlobalUnicastEncryptionKey, out var last));
        Assert.Equal(counter - 1, last);

        // The genuine request under the same counter is still accepted.
        Assert.IsType<GetResponseNormal>(session.Open(session.Receive(request)));
    }

    public static TheoryData<string, byte> RefusedSecurityControls => new()
    {
        { "broadcast key", 0x70 },
        { "compression", 0xB0 },
        { "suite 1 with suite 0 keys", 0x31 },
        { "reserved suite", 0x33 },
        { "encryption only, which no policy allows here", 0x20 },
    };

    [Theory]
    [MemberData(nameof(RefusedSecurityControls))]
    public void Receive_SecurityControlTheAssociationCannotAccept_AnswersDecipheringError(string what, byte securityControl)
    {
        using var session = Associated(CipheredReader);
        var plain = new GetRequestNormal(Invoke, TestCosemServer.Clock).ToArray();
        var content = new byte[plain.Length + 17];
        new SecurityHeader(new SecurityControl(securityControl), session.ClientCounter).Encode(content);
        plain.CopyTo(content, 5);

        var response = session.Association.Receive(new CipheredApdu(CipheredApduTags.GloGetRequest, content).ToArray());

        Assert.False(string.IsNullOrEmpty(what));
        ServerSession.AssertException(response, StateError.ServiceNotAllowed, ServiceError.DecipheringError);
        Assert.True(session.Guard.TryGetLastAccepted(session.ClientTitle, KeyId.GlobalUnicastEncryptionKey, out var last));
        Assert.Equal(1u, last); // the AARQ's
    }

    [Fact]
    public void Receive_RequestCipheredForAnotherSender_AnswersDecipheringError()
    {
        using var session = Associated(CipheredReader);
        var request = CipheredApdu.Protect(
            session.ClientCipher, new SecurityControl(0x30), SystemTitle.Parse("4D4D4D0000000002"), 7, new GetRequestNormal(Invoke, TestCosemServer.Clock).ToArray());

        ServerSession.AssertException(session.Association.Receive(request.ToArray()), StateError.ServiceNotAllowed, ServiceError.DecipheringError);
    }

    [Fact]
    public void Receive_CipheredSetAndAction_AnswerGloSetAndActionResponses()
    {
        using var session = Associated(CipheredReader);

        session.Exchange(new SetRequestNormal(Invoke, TestCosemServer.Clock, null, CosemData.NullData.Instance), ServerSession.AuthenticatedEncryption);
        var setTag = session.LastResponseTag;
        session.Exchange(new ActionRequestNormal(Invoke, TestCosemServer.RemoteDisconnect), ServerSession.AuthenticatedEncryption);

        Assert.Equal(CipheredApduTags.GloSetResponse, setTag);
        Assert.Equal(CipheredApduTags.GloActionResponse, session.LastResponseTag);
    }

    [Fact]
    public void Receive_DedicatedCipheredRequest_AnswersWithTheDedicatedKey()
    {
        var dedicatedKey = RandomNumberGenerator.GetBytes(CipherKey.Length);
        using var session = new ServerSession(CipheredReader, ServerSession.Keys());
        session.Associate(session.CipheredAarq(ServerSession.Initiate(dedicatedKey: dedicatedKey)));
        using var dedicated = new AesGcmCipher(CipherKey.FromBytes(dedicatedKey), GreenBookVectors.AuthenticationKey);
        var plain = new GetRequestNormal(Invoke, TestCosemServer.LogicalDeviceName).ToArray();
        var request = CipheredApdu.Protect(dedicated, new SecurityControl(0x30), session.ClientTitle, 1, plain, dedicated: true).ToArray();

        var response = session.Receive(request);

        Assert.Equal(CipheredApduTags.DedGetResponse, response[0]);
        Assert.IsType<GetResponseNormal>(session.Open(response, dedicated));
        Assert.Throws<DlmsSecurityException>(() => session.Open(response));
        ServerSession.AssertException(session.Association.Receive(request), StateError.ServiceNotAllowed, ServiceError.InvocationCounterError);
    }

    [Fact]
    public void Receive_DedicatedCipheredRequestWithoutDedicatedKey_AnswersDecipheringError()
    {
        using var session = Associated(CipheredReader);
        var request = CipheredApdu.Protect(session.ClientCipher, new SecurityControl(0x30), session.ClientTitle, 9, new GetRequestNormal(Invoke, TestCosemServer.Clock).ToArray(), dedicated: true);

        ServerSession.AssertException(session.Association.Receive(request.ToArray()), StateError.ServiceNotAllowed, ServiceError.DecipheringError);
    }

    [Fact]
    public void Receive_GeneralGloCiphering_AnswersGeneralGloCipheringFromTheServer()
    {
        using var session = Associated(CipheredReader);
        var request = GeneralGloCiphering.Protect(session.ClientCipher, new SecurityControl(0x30), session.ClientTitle, session.ClientCounter++, new GetRequestNormal(Invoke, TestCosemServer.Clock).ToArray());

        var response = session.Receive(request.ToArray());

        Assert.Equal(GeneralGloCiphering.ApduTag, response[0]);
        Assert.Equal(session.ServerTitle, Assert.IsType<GeneralGloCiphering>(ApduCodec.Decode(response)).SystemTitle);
        Assert.IsType<GetResponseNormal>(session.Open(response));
    }

    [Fact]
    public void Receive_GeneralGloCipheringNamingAnotherSender_AnswersDecipheringError()
    {
        using var session = Associated(CipheredReader);
        var content = session.ClientCipher.Protect(new SecurityControl(0x30), session.ClientTitle, session.ClientCounter++, new GetRequestNormal(Invoke, TestCosemServer.Clock).ToArray());
        var request = new GeneralGloCiphering(SystemTitle.Parse("4D4D4D0000000002"), content);

        ServerSession.AssertException(session.Association.Receive(request.ToArray()), StateError.ServiceNotAllowed, ServiceError.DecipheringError);
    }

    [Fact]
    public void Receive_GeneralProtectionNotNegotiated_AnswersServiceNotSupported()
    {
        using var session = new ServerSession(CipheredReader, ServerSession.Keys());
        session.Associate(session.CipheredAarq(ServerSession.Initiate(ServerSession.AllServices & ~Conformance.GeneralProtection)));
        var request = GeneralGloCiphering.Protect(session.ClientCipher, new SecurityControl(0x30), session.ClientTitle, session.ClientCounter++, new GetRequestNormal(Invoke, TestCosemServer.Clock).ToArray());

        ServerSession.AssertException(session.Association.Receive(request.ToArray()), StateError.ServiceNotAllowed, ServiceError.ServiceNotSupported);
        Assert.Empty(session.Server.Calls);
    }

    [Fact]
    public void Receive_GeneralCiphering_AnswersServiceNotSupported()
    {
        using var session = Associated(CipheredReader);
        var content = session.ClientCipher.Protect(new SecurityControl(0x30), session.ClientTitle, session.ClientCounter++, new GetRequestNormal(Invoke, TestCosemServer.Clock).ToArray());
        var request = new GeneralCiphering(
            transactionId: new byte[] { 1 },
            originatorSystemTitle: session.ClientTitle,
            recipientSystemTitle: session.ServerTitle,
            dateTime: default,
            otherInformation: default,
            keyInfo: null,
            cipheredContent: content);

        ServerSession.AssertException(session.Association.Receive(request.ToArray()), StateError.ServiceNotAllowed, ServiceError.ServiceNotSupported);
        Assert.Empty(session.Server.Calls);
    }

    [Fact]
    public void Receive_SignedCipheredRequest_AnswersSignedCipheredResponse()
    {
        using var session = Signing();
        var transactionId = new byte[] { 0x0A, 0x0B };
        var ciphered = session.Glo(new ActionRequestNormal(Invoke, TestCosemServer.RemoteDisconnect));
        var request = GeneralSigning.Sign(_clientKey, transactionId, session.ClientTitle, session.ServerTitle, default, default, ciphered);

        var response = Assert.IsType<GeneralSigning>(ApduCodec.Decode(session.Receive(request.ToArray())));

        Assert.True(response.VerifySignature(_serverKey));
        Assert.Equal(session.ServerTitle, response.OriginatorSystemTitle);
        Assert.Equal(session.ClientTitle, response.RecipientSystemTitle);
        Assert.Equal(transactionId, response.TransactionId.ToArray());
        var action = Assert.IsType<ActionResponseNormal>(session.Open(response.Content.ToArray()));
        Assert.Equal(ActionResult.Success, action.SingleResponse.Result);
        Assert.Equal(new SecurityControl(0x31), session.LastResponseControl);
        Assert.Equal(new MessageProtection(true, true, true), session.Association.Context.RequestProtection);
    }

    [Fact]
    public void Receive_CipheredSignedRequest_AnswersCipheredSignedResponse()
    {
        using var session = Signing();
        var signed = GeneralSigning.Sign(_clientKey, default, session.ClientTitle, null, default, default, new ActionRequestNormal(Invoke, TestCosemServer.RemoteDisconnect).ToArray());
        var request = GeneralGloCiphering.Protect(session.ClientCipher, new SecurityControl(0x31), session.ClientTitle, session.ClientCounter++, signed.ToArray());

        var response = session.Receive(request.ToArray());

        Assert.Equal(GeneralGloCiphering.ApduTag, response[0]);
        var inner = Assert.IsType<GeneralSigning>(session.Open(response));
        Assert.True(inner.VerifySignature(_serverKey));
        Assert.Equal(ActionResult.Success, Assert.IsType<ActionResponseNormal>(ApduCodec.Decode(inner.Content.Span)).SingleResponse.Result);
    }

    [Fact]
    public void Receive_MethodRequiringSignature_IsDeniedUnsignedAndServedSigned()
    {
        using var session = Signing();
        session.Server.Method(TestCosemServer.RemoteDisconnect, (TestCosemServer.UtilitySap, MethodAccess.Access | MethodAccess.SignedRequest | MethodAccess.EncryptedRequest));

        var unsigned = Assert.IsType<ActionResponseNormal>(session.Exchange(new ActionRequestNormal(Invoke, TestCosemServer.RemoteDisconnect), session.Protected));
        var ciphered = session.Glo(new ActionRequestNormal(Invoke, TestCosemServer.RemoteDisconnect));
        var signed = GeneralSigning.Sign(_clientKey, default, session.ClientTitle, session.ServerTitle, default, default, ciphered);
        var response = Assert.IsType<GeneralSigning>(ApduCodec.Decode(session.Receive(signed.ToArray())));

        Assert.Equal(ActionResult.ReadWriteDenied, unsigned.SingleResponse.Result);
        Assert.Equal(ActionResult.Success, Assert.IsType<ActionResponseNormal>(session.Open(response.Content.ToArray())).SingleResponse.Result);
        Assert.Single(session.Server.Calls);
    }

    [Fact]
    public void Receive_SignedRequestWithoutCiphering_IsRefusedForWantOfReplayProtection()
    {
        using var session = Signing();
        var request = GeneralSigning.Sign(_clientKey, default, session.ClientTitle, null, default, default, new ActionRequestNormal(Invoke, TestCosemServer.RemoteDisconnect).ToArray());

        ServerSession.AssertException(session.Association.Receive(request.ToArray()), StateError.ServiceNotAllowed, ServiceError.ServiceNotSupported);
        Assert.Empty(session.Server.Calls);
    }

    [Theory]
    [InlineData("another key")]
    [InlineData("another originator")]
    [InlineData("another recipient")]
    [InlineData("altered content")]
    public void Receive_SignatureThatDoesNotVerify_AnswersDecipheringErrorAndLeavesTheCounter(string what)
    {
        using var session = Signing();
        using var impostor = EcdsaP256.GenerateKeyPair();
        var counter = session.ClientCounter;
        var ciphered = session.Glo(new ActionRequestNormal(Invoke, TestCosemServer.RemoteDisconnect));
        var signed = GeneralSigning.Sign(
            what == "another key" ? impostor : _clientKey,
            default,
            what == "another originator" ? SystemTitle.Parse("4D4D4D0000000002") : session.ClientTitle,
            what == "another recipient" ? SystemTitle.Parse("4D4D4D0000000003") : session.ServerTitle,
            default,
            default,
            ciphered);
        var bytes = signed.ToArray();
        if (what == "altered content")
        {
            bytes[^70] ^= 0x01;
        }

        ServerSession.AssertException(session.Association.Receive(bytes), StateError.ServiceNotAllowed, ServiceError.DecipheringError);

        Assert.Empty(session.Server.Calls);
        Assert.True(session.Guard.TryGetLastAccepted(session.ClientTitle, KeyId.GlobalUnicastEncryptionKey, out var last));
        Assert.True(last < counter);
    }

    [Fact]
    public void Receive_CipheredApduInPlainAssociation_AnswersServiceNotSupported()
    {
        using var session = new ServerSession(ServerAssociationDefinition.PublicClient(), keys: null);
        session.Associate(ServerSession.Aarq(ApplicationContextName.LogicalNameReferencingNoCiphering, ServerSession.Initiate().ToArray()));

        ServerSession.AssertException(
            session.Association.Receive(session.Glo(new GetRequestNormal(Invoke, TestCosemServer.Clock))),
            StateError.ServiceNotAllowed,
            ServiceError.ServiceNotSupported);
    }

    [Theory]
    [InlineData(CipheredApduTags.GloGetResponse)]
    [InlineData(CipheredApduTags.GloInitiateRequest)]
    [InlineData(CipheredApduTags.GloEventNotificationRequest)]
    public void Receive_CipheredApduThatIsNoRequest_AnswersServiceUnknown(byte tag)
    {
        using var session = Associated(CipheredReader);
        var content = session.ClientCipher.Protect(new SecurityControl(0x30), session.ClientTitle, session.ClientCounter++, [0x01, 0x02]);

        ServerSession.AssertException(session.Association.Receive(new CipheredApdu(tag, content).ToArray()), StateError.ServiceUnknown, ServiceError.ServiceNotSupported);
    }

    [Fact]
    public void Receive_WithExhaustedServerCounter_RefusesWithoutMovingTheClientCounter()
    {
        using var session = new ServerSession(CipheredReader, ServerSession.Keys(), serverCounter: uint.MaxValue - 1);
        session.Associate(session.CipheredAarq(ServerSession.Initiate()));

        var response = session.Association.Receive(session.Glo(new GetRequestNormal(Invoke, TestCosemServer.Clock)));

        ServerSession.AssertException(response, StateError.ServiceNotAllowed, ServiceError.OperationNotPossible);
        Assert.True(session.Guard.TryGetLastAccepted(session.ClientTitle, KeyId.GlobalUnicastEncryptionKey, out var last));
        Assert.Equal(1u, last);
        Assert.Empty(session.Server.Calls);
    }

    [Fact]
    public void Receive_RequestLongerThanServerMaxReceivePduSize_AnswersPduTooLong()
    {
        using var session = Associated(CipheredReader with { ServerMaxReceivePduSize = 64 });
        var list = new GetRequestWithList(Invoke, [.. Enumerable.Repeat(new CosemAttributeDescriptorWithSelection(TestCosemServer.Clock), 6)]);

        ServerSession.AssertException(session.Association.Receive(session.Glo(list)), StateError.ServiceNotAllowed, ServiceError.PduTooLong);
        Assert.Empty(session.Server.Calls);
    }

    public void Dispose()
    {
        _clientKey.Dispose();
        _serverKey.Dispose();
    }

    internal static ServerSession Associated(ServerAssociationDefinition definition)
    {
        var session = new ServerSession(definition, ServerSession.Keys());
        var aare = session.Associate(session.CipheredAarq(ServerSession.Initiate()));
        Assert.Equal(AssociationResult.Accepted, aare.Result);
        return session;
    }

    private ServerSession Signing()
    {
        var keys = ServerSession.Keys(SecuritySuite.EcdhEcdsaAesGcm128Sha256) with
        {
            SigningKey = _serverKey,
            PeerPublicKey = EcdsaP256.ImportPublicKey(EcdsaP256.ExportPublicKey(_clientKey)),
        };
        var definition = PolicyProtected;
        var session = new ServerSession(definition, keys);
        Assert.Equal(AssociationResult.Accepted, session.Associate(session.CipheredAarq(ServerSession.Initiate())).Result);
        return session;
    }
}
