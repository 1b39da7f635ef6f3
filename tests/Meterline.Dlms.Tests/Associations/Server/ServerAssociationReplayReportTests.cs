using Meterline.Dlms.Acse;
using Meterline.Dlms.Apdus;
using Meterline.Dlms.Associations;
using Meterline.Dlms.Security;
using ServiceError = Meterline.Dlms.Apdus.ServiceError;

namespace Meterline.Dlms.Tests.Associations.Server;

/// <summary>A refused stale counter is reported to the shared <see cref="InvocationCounterGuard"/>, so that the meter owning it can log the replay.</summary>
public sealed class ServerAssociationReplayReportTests
{
    private static readonly InvokeIdAndPriority Invoke = new(0xC1);

    [Fact]
    public void Receive_ReplayedRequest_ReportsOneRefusalWithTheSenderAndCounters()
    {
        using var session = ServerAssociationProtectionTests.Associated(ServerAssociationProtectionTests.CipheredReader);
        var reported = new List<InvocationCounterRefusedEventArgs>();
        session.Guard.CounterRefused += (_, e) => reported.Add(e);
        var counter = session.ClientCounter;
        var request = session.Glo(new GetRequestNormal(Invoke, TestCosemServer.LogicalDeviceName));
        session.Receive(request);

        ServerSession.AssertException(session.Association.Receive(request), StateError.ServiceNotAllowed, ServiceError.InvocationCounterError);

        var refusal = Assert.Single(reported);
        Assert.Equal(1, session.Guard.Refused);
        Assert.Equal(session.ClientTitle, refusal.Sender);
        Assert.Equal(KeyId.GlobalUnicastEncryptionKey, refusal.KeyId);
        Assert.Equal(counter, refusal.InvocationCounter);
        Assert.Equal(counter, refusal.LastAccepted);
    }

    [Fact]
    public void Receive_FreshRequestsAndAForgedOne_ReportNoReplay()
    {
        using var session = ServerAssociationProtectionTests.Associated(ServerAssociationProtectionTests.CipheredReader);
        session.Exchange(new GetRequestNormal(Invoke, TestCosemServer.LogicalDeviceName), ServerSession.AuthenticatedEncryption);
        session.Exchange(new GetRequestNormal(Invoke, TestCosemServer.Clock), ServerSession.AuthenticatedEncryption);
        var forged = session.Glo(new GetRequestNormal(Invoke, TestCosemServer.Clock));
        forged[^1] ^= 0x01;

        ServerSession.AssertException(session.Association.Receive(forged), StateError.ServiceNotAllowed, ServiceError.DecipheringError);

        Assert.Equal(0, session.Guard.Refused);
    }

    [Fact]
    public void Receive_CipheredAarqReplayedToANewAssociation_RefusedAndReported()
    {
        using var session = new ServerSession(ServerAssociationProtectionTests.CipheredReader, ServerSession.Keys());
        var aarq = session.CipheredAarq(ServerSession.Initiate()).ToArray();
        Assert.Equal(AssociationResult.Accepted, Assert.IsType<Aare>(ApduCodec.Decode(session.Receive(aarq))).Result);
        using var second = new ServerAssociation(ServerAssociationProtectionTests.CipheredReader, ServerSession.Keys(), session.Server, session.Guard, session.ServerCounter);

        var answer = second.Receive(aarq);

        Assert.NotEqual(AssociationResult.Accepted, Assert.IsType<Aare>(ApduCodec.Decode(answer!.Value.ToArray())).Result);
        Assert.NotEqual(AssociationState.Associated, second.State);
        Assert.Equal(1, session.Guard.Refused);
    }

    [Fact]
    public void ReportRefused_CountsAndRaises_ChangesNoCounter()
    {
        var guard = new InvocationCounterGuard();
        var sender = SystemTitle.Parse("4D4D4D0000000001");
        guard.Accept(sender, KeyId.GlobalUnicastEncryptionKey, 10);
        InvocationCounterRefusedEventArgs? raised = null;
        guard.CounterRefused += (_, e) => raised = e;

        guard.ReportRefused(sender, KeyId.GlobalUnicastEncryptionKey, 7);

        Assert.Equal(1, guard.Refused);
        Assert.Equal(7u, raised!.InvocationCounter);
        Assert.Equal(10u, raised.LastAccepted);
        Assert.True(guard.TryGetLastAccepted(sender, KeyId.GlobalUnicastEncryptionKey, out var last));
        Assert.Equal(10u, last);
        Assert.True(guard.IsFresh(sender, KeyId.GlobalUnicastEncryptionKey, 11));
    }
}
