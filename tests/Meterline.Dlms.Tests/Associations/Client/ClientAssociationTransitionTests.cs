using Meterline.Dlms.Acse;
using Meterline.Dlms.Apdus;
using Meterline.Dlms.Associations;
using Meterline.Dlms.Cosem;

namespace Meterline.Dlms.Tests.Associations.Client;

/// <summary>Every operation outside its state is refused, and a refused operation changes nothing.</summary>
public class ClientAssociationTransitionTests
{
    private static readonly byte[] PublishedAare = Convert.FromHexString("6129A109060760857405080101A203020100A305A103020100BE10040E0800065F1F040000101D04000007");
    private static readonly GetRequestNormal GetClock = new(new InvokeIdAndPriority(1, true, true), new CosemAttributeDescriptor(8, ObisCode.Clock, 2));

    [Fact]
    public void Idle_EveryOperationButAarq_IsRefused()
    {
        using var client = new ClientAssociation(new ClientAssociationSettings());
        Assert.Throws<InvalidOperationException>(() => client.ReceiveAare(PublishedAare));
        Assert.Throws<InvalidOperationException>(() => client.ProtectRequest(GetClock));
        Assert.Throws<InvalidOperationException>(() => client.UnprotectResponse(GetClock.ToArray()));
        Assert.Throws<InvalidOperationException>(() => client.CreateReleaseRequest());
        Assert.Throws<InvalidOperationException>(() => client.CreateHlsReply(new InvokeIdAndPriority(1, true, true)));
        Assert.Equal(AssociationState.Idle, client.State);
    }

    [Fact]
    public void AwaitingResponse_SecondAarqAndRequests_AreRefused()
    {
        using var client = new ClientAssociation(new ClientAssociationSettings());
        client.CreateAarq();
        Assert.Throws<InvalidOperationException>(() => client.CreateAarq());
        Assert.Throws<InvalidOperationException>(() => client.ProtectRequest(GetClock));
        Assert.Equal(AssociationState.AwaitingResponse, client.State);
    }

    [Fact]
    public void AwaitingResponse_SomethingOtherThanAnAare_Aborts()
    {
        using var client = new ClientAssociation(new ClientAssociationSettings());
        client.CreateAarq();
        Assert.Throws<DlmsProtocolException>(() => client.ReceiveAare(new Rlre { Reason = ReleaseResponseReason.Normal }.ToArray()));
        Assert.Equal(AssociationState.Aborted, client.State);
    }

    [Fact]
    public void AwaitingResponse_MalformedAare_ThrowsFormatException()
    {
        using var client = new ClientAssociation(new ClientAssociationSettings());
        client.CreateAarq();
        Assert.Throws<DlmsFormatException>(() => client.ReceiveAare(PublishedAare[..^3]));
    }

    [Fact]
    public void Associated_AnotherAarqOrRlre_IsRefused()
    {
        using var client = new ClientAssociation(new ClientAssociationSettings());
        client.CreateAarq();
        client.ReceiveAare(PublishedAare);
        Assert.Throws<InvalidOperationException>(() => client.CreateAarq());
        Assert.Throws<InvalidOperationException>(() => client.ReceiveReleaseResponse(new Rlre().ToArray()));
        Assert.Equal(AssociationState.Associated, client.State);
    }

    [Fact]
    public void Released_CanAssociateAgain()
    {
        using var client = new ClientAssociation(new ClientAssociationSettings());
        client.CreateAarq();
        client.ReceiveAare(PublishedAare);
        client.CreateReleaseRequest();
        client.ReceiveReleaseResponse(new Rlre { Reason = ReleaseResponseReason.Normal }.ToArray());
        Assert.Throws<InvalidOperationException>(() => client.ProtectRequest(GetClock));
        client.CreateAarq();
        Assert.Equal(AssociationState.AwaitingResponse, client.State);
    }

    [Fact]
    public void Associated_HlsCompletionWithoutHls_IsRefused()
    {
        using var client = new ClientAssociation(new ClientAssociationSettings());
        client.CreateAarq();
        client.ReceiveAare(PublishedAare);
        Assert.Throws<InvalidOperationException>(() => client.CompleteHls(new ActionResponseNormal(new InvokeIdAndPriority(1, true, true), new ActionResponseWithOptionalData(ActionResult.Success))));
        Assert.Equal(AssociationState.Associated, client.State);
    }
}
