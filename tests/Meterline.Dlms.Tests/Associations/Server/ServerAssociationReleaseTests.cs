using Meterline.Dlms.Acse;
using Meterline.Dlms.Apdus;
using Meterline.Dlms.Associations;
using Meterline.Dlms.Security;
using Meterline.Dlms.Tests.Acse;
using Meterline.Dlms.Tests.Security;
using ServiceError = Meterline.Dlms.Apdus.ServiceError;

namespace Meterline.Dlms.Tests.Associations.Server;

public class ServerAssociationReleaseTests
{
    private static readonly InvokeIdAndPriority Invoke = new(0xC1);

    [Fact]
    public void Receive_PublishedRlrq_AnswersPublishedRlreAndReleases()
    {
        // RLRQ and RLRE, reason normal: u9n tests/test_asce/test_rlrq.py and test_rlre.py.
        using var session = ServerAssociationDataServiceTests.Plain(ServerAssociationDataServiceTests.PlainReader);

        var response = session.Receive(Convert.FromHexString(AcseVectors.RlrqNormal));

        Assert.Equal(AcseVectors.RlreNormal, Convert.ToHexString(response));
        Assert.Equal(AssociationState.Released, session.Association.State);
        Assert.Equal(Conformance.None, session.Association.NegotiatedConformance);
        ServerSession.AssertException(
            session.Association.Receive(new GetRequestNormal(Invoke, TestCosemServer.Clock).ToArray()),
            StateError.ServiceNotAllowed,
            ServiceError.OperationNotPossible);
    }

    [Fact]
    public void Receive_RlrqWithPlainInitiateRequest_AnswersPlainInitiateResponse()
    {
        using var session = ServerAssociationDataServiceTests.Plain(ServerAssociationDataServiceTests.PlainReader);
        var negotiated = session.Association.NegotiatedConformance;
        var rlrq = new Rlrq { Reason = ReleaseRequestReason.Normal, UserInformation = ServerSession.Initiate().ToArray() };

        var rlre = Assert.IsType<Rlre>(ApduCodec.Decode(session.Receive(rlrq.ToArray())));

        Assert.Equal(ReleaseResponseReason.Normal, rlre.Reason);
        var initiateResponse = Assert.IsType<InitiateResponse>(rlre.DecodeUserInformation());
        Assert.Equal(negotiated, initiateResponse.NegotiatedConformance);
        Assert.Equal(AssociationState.Released, session.Association.State);
    }

    [Fact]
    public void Receive_CipheredRlrq_AnswersCipheredInitiateResponseAndForgetsTheDedicatedKey()
    {
        using var session = new ServerSession(ServerAssociationProtectionTests.CipheredReader, ServerSession.Keys());
        session.Associate(session.CipheredAarq(ServerSession.Initiate(dedicatedKey: new byte[CipherKey.Length])));
        Assert.True(session.Association.HasDedicatedKey);
        var rlrq = new Rlrq { Reason = ReleaseRequestReason.Normal, UserInformation = session.Glo(ServerSession.Initiate()) };

        var rlre = Assert.IsType<Rlre>(ApduCodec.Decode(session.Receive(rlrq.ToArray())));

        Assert.Equal(ReleaseResponseReason.Normal, rlre.Reason);
        var userInformation = rlre.UserInformation!.Value.ToArray();
        Assert.Equal(CipheredApduTags.GloInitiateResponse, userInformation[0]);
        Assert.IsType<InitiateResponse>(session.Open(userInformation));
        Assert.Equal(new SecurityControl(0x30), session.LastResponseControl);
        Assert.Equal(AssociationState.Released, session.Association.State);
        Assert.False(session.Association.HasDedicatedKey);
        Assert.Null(session.Association.ClientSystemTitle);
    }

    [Fact]
    public void Receive_PublishedCipheredRlrqAfterV8_IsARefusedReplay()
    {
        // The published ciphered RLRQ (u9n tests/test_asce/test_rlrq.py) carries V4 again, with the counter the V8
        // AARQ already used: a replay, refused, and the association stays.
        using var session = new ServerSession(
            ServerAssociationDefinition.MeterReader(LlsPassword.FromBytes("12345678"u8)) with { RequiresCiphering = true },
            ServerSession.Keys(serverTitle: GreenBookVectors.ClientSystemTitle),
            clientTitle: GreenBookVectors.ServerSystemTitle);
        session.Receive(Convert.FromHexString(AcseVectors.AarqCipheredLls));

        var response = session.Association.Receive(Convert.FromHexString(AcseVectors.RlrqCiphered));

        Assert.Equal(0x01234568u, ServerSession.AssertException(response, StateError.ServiceNotAllowed, ServiceError.InvocationCounterError).InvocationCounter);
        Assert.Equal(AssociationState.Associated, session.Association.State);
    }

    [Fact]
    public void Receive_CipheredRlrqThatDoesNotVerify_IsRefusedAndTheAssociationStays()
    {
        using var session = ServerAssociationProtectionTests.Associated(ServerAssociationProtectionTests.CipheredReader);
        var userInformation = session.Glo(ServerSession.Initiate());
        userInformation[^1] ^= 0x01;

        var response = session.Association.Receive(new Rlrq { Reason = ReleaseRequestReason.Normal, UserInformation = userInformation }.ToArray());

        ServerSession.AssertException(response, StateError.ServiceNotAllowed, ServiceError.DecipheringError);
        Assert.Equal(AssociationState.Associated, session.Association.State);
    }

    [Fact]
    public void Receive_CipheredRlrqWithoutInitiateRequest_IsRefusedAsMalformed()
    {
        using var session = ServerAssociationProtectionTests.Associated(ServerAssociationProtectionTests.CipheredReader);
        var content = session.ClientCipher.Protect(new SecurityControl(0x30), session.ClientTitle, session.ClientCounter++, [0x01, 0x00]);

        var response = session.Association.Receive(new Rlrq { UserInformation = new CipheredApdu(CipheredApduTags.GloInitiateRequest, content).ToArray() }.ToArray());

        ServerSession.AssertException(response, StateError.ServiceUnknown, ServiceError.OtherReason);
        Assert.Equal(AssociationState.Associated, session.Association.State);
    }

    [Fact]
    public void Receive_RlrqWithoutAssociation_AnswersRlreAndChangesNothing()
    {
        using var session = new ServerSession(ServerAssociationDataServiceTests.PlainReader, keys: null);

        var response = session.Receive(Convert.FromHexString(AcseVectors.RlrqNormal));

        Assert.Equal(AcseVectors.RlreNormal, Convert.ToHexString(response));
        Assert.Equal(AssociationState.Idle, session.Association.State);
    }

    [Fact]
    public void Receive_RlrqWhileHlsPending_Releases()
    {
        using var session = new ServerSession(ServerAssociationDefinition.UtilitySettings(), ServerSession.Keys());
        session.Associate(session.CipheredAarq(ServerSession.Initiate(), AuthenticationMechanism.HighGmac, AuthenticationValue.CharString(HlsChallenge.Generate())));

        var response = session.Receive(Convert.FromHexString(AcseVectors.RlrqNormal));

        Assert.Equal(AcseVectors.RlreNormal, Convert.ToHexString(response));
        Assert.Equal(AssociationState.Released, session.Association.State);
    }

    [Fact]
    public void Receive_AarqAfterRelease_AssociatesAgain()
    {
        using var session = ServerAssociationDataServiceTests.Plain(ServerAssociationDataServiceTests.PlainReader);
        session.Receive(Convert.FromHexString(AcseVectors.RlrqNormal));

        var aare = session.Associate(ServerSession.Aarq(ApplicationContextName.LogicalNameReferencingNoCiphering, ServerSession.Initiate().ToArray()));

        Assert.Equal(AssociationResult.Accepted, aare.Result);
        Assert.Equal(AssociationState.Associated, session.Association.State);
    }

    [Fact]
    public void Receive_MalformedRlrq_AnswersMalformedAndStays()
    {
        using var session = ServerAssociationDataServiceTests.Plain(ServerAssociationDataServiceTests.PlainReader);

        var response = session.Association.Receive(Convert.FromHexString("62038001"));

        ServerSession.AssertException(response, StateError.ServiceUnknown, ServiceError.OtherReason);
        Assert.Equal(AssociationState.Associated, session.Association.State);
    }
}
