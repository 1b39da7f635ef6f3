using System.Security.Cryptography;
using Meterline.Dlms.Apdus;
using Meterline.Dlms.Associations;
using Meterline.Dlms.Security;
using ServiceError = Meterline.Dlms.Apdus.ServiceError;

namespace Meterline.Dlms.Tests.Associations.Server;

/// <summary>
/// A server that trusts the client's public key but has no signing key of its own (a suite 0 meter that demands signed
/// commands from its head-end): it verifies general-signing, checks transaction-ids for replays, answers unsigned, and
/// reports every refusal for a signature.
/// </summary>
public sealed class ServerAssociationSignatureTests : IDisposable
{
    private static readonly InvokeIdAndPriority Invoke = new(0xC1);
    private readonly ECDsa _headEndKey = EcdsaP256.GenerateKeyPair();
    private readonly TransactionIdGuard _transactionIds = new();

    public void Dispose() => _headEndKey.Dispose();

    [Fact]
    public void Receive_SignedRequest_ServedAndAnsweredCipheredWithoutASignature()
    {
        using var session = VerifyOnly();

        var response = session.Receive(Signed(session, [0, 0, 0, 1, 0, 0, 0, 2]));

        Assert.Equal(GeneralGloCiphering.ApduTag, response[0]);
        var action = Assert.IsType<ActionResponseNormal>(session.Open(response));
        Assert.Equal(ActionResult.Success, action.SingleResponse.Result);
        Assert.Equal(new MessageProtection(true, true, true), session.Association.Context.RequestProtection);
        Assert.True(_transactionIds.TryGetLastAccepted(session.ClientTitle, out var mark));
        Assert.Equal(0x0000_0001_0000_0002UL, mark);
        Assert.Empty(session.SignatureRefusals);
    }

    [Fact]
    public void Receive_TransactionIdNotGreaterThanTheLast_ReplayRefusedAndReported()
    {
        using var session = VerifyOnly();
        Assert.IsType<ActionResponseNormal>(session.Open(session.Receive(Signed(session, [0x05]))));
        var counter = session.ClientCounter;

        ServerSession.AssertException(session.Association.Receive(Signed(session, [0x05])), StateError.ServiceNotAllowed, ServiceError.DecipheringError);
        ServerSession.AssertException(session.Association.Receive(Signed(session, [0x04])), StateError.ServiceNotAllowed, ServiceError.DecipheringError);

        Assert.Equal([SignatureRefusal.Replayed, SignatureRefusal.Replayed], session.SignatureRefusals);
        Assert.Single(session.Server.Calls);
        Assert.True(session.Guard.TryGetLastAccepted(session.ClientTitle, KeyId.GlobalUnicastEncryptionKey, out var last));
        Assert.True(last < counter);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(9)]
    public void Receive_TransactionIdOfNoOrMoreThanEightOctets_RefusedAsInvalid(int length)
    {
        using var session = VerifyOnly();

        ServerSession.AssertException(session.Association.Receive(Signed(session, new byte[length])), StateError.ServiceNotAllowed, ServiceError.DecipheringError);

        Assert.Equal([SignatureRefusal.Invalid], session.SignatureRefusals);
        Assert.Empty(session.Server.Calls);
    }

    [Fact]
    public void Receive_ForgedSignature_RefusedReportedAndTheMarkUnmoved()
    {
        using var session = VerifyOnly();
        using var impostor = EcdsaP256.GenerateKeyPair();

        ServerSession.AssertException(session.Association.Receive(Signed(session, [0x09], impostor)), StateError.ServiceNotAllowed, ServiceError.DecipheringError);

        Assert.Equal([SignatureRefusal.Invalid], session.SignatureRefusals);
        Assert.False(_transactionIds.TryGetLastAccepted(session.ClientTitle, out _));
        Assert.IsType<ActionResponseNormal>(session.Open(session.Receive(Signed(session, [0x09]))));
    }

    [Fact]
    public void Receive_MethodRequiringSignatureUnsigned_DeniedAndReportedMissing()
    {
        using var session = VerifyOnly();
        session.Server.Method(TestCosemServer.RemoteDisconnect, (TestCosemServer.UtilitySap, MethodAccess.Access | MethodAccess.SignedRequest | MethodAccess.EncryptedRequest));

        var unsigned = Assert.IsType<ActionResponseNormal>(session.Exchange(new ActionRequestNormal(Invoke, TestCosemServer.RemoteDisconnect), session.Protected));
        var signed = Assert.IsType<ActionResponseNormal>(session.Open(session.Receive(Signed(session, [0x01]))));

        Assert.Equal(ActionResult.ReadWriteDenied, unsigned.SingleResponse.Result);
        Assert.Equal(ActionResult.Success, signed.SingleResponse.Result);
        Assert.Equal([SignatureRefusal.Missing], session.SignatureRefusals);
        Assert.Single(session.Server.Calls);
    }

    [Fact]
    public void Receive_JournalCannotRecordTheTransactionId_RefusedAsATemporaryFailure()
    {
        var guard = new TransactionIdGuard(new RefusingJournal());
        using var session = VerifyOnly(guard);

        ServerSession.AssertException(session.Association.Receive(Signed(session, [0x01])), StateError.ServiceNotAllowed, ServiceError.OperationNotPossible);

        Assert.Empty(session.Server.Calls);
        Assert.Empty(session.SignatureRefusals);
        Assert.Equal(1, guard.JournalFailures);
    }

    [Fact]
    public void Receive_SignedRequestToAServerThatTrustsNoKey_ServiceNotSupportedAndNotReported()
    {
        using var session = new ServerSession(ServerAssociationProtectionTests.PolicyProtected, ServerSession.Keys(), transactionIds: _transactionIds);
        session.Associate(session.CipheredAarq(ServerSession.Initiate()));

        ServerSession.AssertException(session.Association.Receive(Signed(session, [0x01])), StateError.ServiceNotAllowed, ServiceError.ServiceNotSupported);

        Assert.Empty(session.SignatureRefusals);
        Assert.Empty(session.Server.Calls);
    }

    private byte[] Signed(ServerSession session, byte[] transactionId, ECDsa? key = null)
    {
        var ciphered = GeneralGloCiphering.Protect(
            session.ClientCipher, new SecurityControl(session.Protected), session.ClientTitle, session.ClientCounter++, new ActionRequestNormal(Invoke, TestCosemServer.RemoteDisconnect).ToArray());
        return GeneralSigning.Sign(key ?? _headEndKey, transactionId, session.ClientTitle, session.ServerTitle, default, default, ciphered.ToArray()).ToArray();
    }

    private ServerSession VerifyOnly(TransactionIdGuard? guard = null)
    {
        var keys = ServerSession.Keys() with { PeerPublicKey = EcdsaP256.ImportPublicKey(EcdsaP256.ExportPublicKey(_headEndKey)) };
        var session = new ServerSession(ServerAssociationProtectionTests.PolicyProtected, keys, transactionIds: guard ?? _transactionIds);
        Assert.Equal(Meterline.Dlms.Acse.AssociationResult.Accepted, session.Associate(session.CipheredAarq(ServerSession.Initiate())).Result);
        return session;
    }

    private sealed class RefusingJournal : ITransactionIdJournal
    {
        public bool TryRecord(TransactionIdRecord record) => false;
    }
}
