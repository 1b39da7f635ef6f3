using Meterline.Dlms.Acse;
using Meterline.Dlms.Apdus;
using Meterline.Dlms.Associations;
using Meterline.Dlms.Cosem;
using ServiceError = Meterline.Dlms.Apdus.ServiceError;

namespace Meterline.Dlms.Tests.Associations.Server;

public class ServerAssociationDataServiceTests
{
    private static readonly InvokeIdAndPriority Invoke = new(0xC5);

    internal static ServerAssociationDefinition PlainUtility => new()
    {
        LogicalName = new ObisCode(0, 0, 40, 0, 3, 255),
        ClientSap = TestCosemServer.UtilitySap,
        Mechanism = AuthenticationMechanism.Lowest,
        SupportedConformance = ServerAssociationDefinition.ImplementedConformance & ~Conformance.GeneralProtection,
    };

    internal static ServerAssociationDefinition PlainReader => PlainUtility with
    {
        LogicalName = new ObisCode(0, 0, 40, 0, 2, 255),
        ClientSap = TestCosemServer.ReaderSap,
    };

    [Fact]
    public void Receive_GetNormal_AnswersTheValueAndEchoesInvokeIdAndPriority()
    {
        using var session = Plain(PlainReader);

        var response = Assert.IsType<GetResponseNormal>(session.Exchange(new GetRequestNormal(Invoke, TestCosemServer.Clock)));

        Assert.Equal(Invoke, response.InvokeIdAndPriority);
        Assert.Equal(session.Server.Value(TestCosemServer.Clock), response.Result.Data);
        Assert.Equal([$"get {TestCosemServer.Clock}"], session.Server.Calls);
    }

    [Fact]
    public void Receive_GetOfObjectOutsideTheObjectList_AnswersObjectUndefined()
    {
        using var session = Plain(PlainReader);

        var response = Assert.IsType<GetResponseNormal>(session.Exchange(new GetRequestNormal(Invoke, new CosemAttributeDescriptor(3, new ObisCode(1, 0, 1, 8, 0, 255), 2))));

        Assert.Equal(DataAccessResult.ObjectUndefined, response.Result.Result);
        Assert.Empty(session.Server.Calls);
    }

    [Fact]
    public void Receive_GetWithoutReadRight_AnswersReadWriteDenied()
    {
        using var session = Plain(PlainReader);
        session.Server.Attribute(TestCosemServer.Tariff, new CosemData.Unsigned(1), (TestCosemServer.ReaderSap, AttributeAccess.Write));

        var response = Assert.IsType<GetResponseNormal>(session.Exchange(new GetRequestNormal(Invoke, TestCosemServer.Tariff)));

        Assert.Equal(DataAccessResult.ReadWriteDenied, response.Result.Result);
        Assert.Empty(session.Server.Calls);
    }

    [Fact]
    public void Receive_GetWithList_AnswersEachAttributeInOrder()
    {
        using var session = Plain(PlainReader);
        var request = new GetRequestWithList(Invoke, [new(TestCosemServer.Clock), new(TestCosemServer.SerialNumber), new(TestCosemServer.OutputState)]);

        var response = Assert.IsType<GetResponseWithList>(session.Exchange(request));

        Assert.Equal(Invoke, response.InvokeIdAndPriority);
        Assert.Equal(session.Server.Value(TestCosemServer.Clock), response.Result[0].Data);
        Assert.Equal(DataAccessResult.ReadWriteDenied, response.Result[1].Result); // needs a ciphered request
        Assert.Equal(session.Server.Value(TestCosemServer.OutputState), response.Result[2].Data);
        Assert.Equal(2, session.Server.Calls.Count);
    }

    [Fact]
    public void Receive_SetNormal_WritesOrRefuses()
    {
        using var session = Plain(PlainUtility);
        var value = new CosemData.OctetString(new byte[] { 1, 2, 3 });

        var written = Assert.IsType<SetResponseNormal>(session.Exchange(new SetRequestNormal(Invoke, TestCosemServer.Tariff, null, value)));
        var refused = Assert.IsType<SetResponseNormal>(session.Exchange(new SetRequestNormal(Invoke, TestCosemServer.OutputState, null, new CosemData.Boolean(false))));

        Assert.Equal(DataAccessResult.Success, written.Result);
        Assert.Equal(value, session.Server.Value(TestCosemServer.Tariff));
        Assert.Equal(DataAccessResult.ReadWriteDenied, refused.Result);
        Assert.Equal(new CosemData.Boolean(true), session.Server.Value(TestCosemServer.OutputState));
    }

    [Fact]
    public void Receive_SetWithList_AnswersEachAttribute()
    {
        using var session = Plain(PlainUtility);
        var request = new SetRequestWithList(
            Invoke,
            [new(TestCosemServer.Tariff), new(TestCosemServer.Clock)],
            [new CosemData.OctetString(new byte[] { 9 }), CosemData.NullData.Instance]);

        var response = Assert.IsType<SetResponseWithList>(session.Exchange(request));

        Assert.Equal([DataAccessResult.Success, DataAccessResult.ReadWriteDenied], response.Result.ToArray());
        Assert.Single(session.Server.Calls);
    }

    [Fact]
    public void Receive_SetWithListOfUnequalLengths_AnswersMalformed()
    {
        using var session = Plain(PlainUtility);
        var request = new SetRequestWithList(Invoke, [new(TestCosemServer.Tariff), new(TestCosemServer.Clock)], [CosemData.NullData.Instance]);

        ServerSession.AssertException(session.Association.Receive(request.ToArray()), StateError.ServiceUnknown, ServiceError.OtherReason);
        Assert.Empty(session.Server.Calls);
    }

    [Fact]
    public void Receive_UnconfirmedSet_WritesWithoutAnswer()
    {
        using var session = Plain(PlainUtility);
        var value = new CosemData.OctetString(new byte[] { 7 });

        var response = session.Association.Receive(new SetRequestNormal(new InvokeIdAndPriority(5, confirmed: false, highPriority: false), TestCosemServer.Tariff, null, value).ToArray());

        Assert.Null(response);
        Assert.Equal(value, session.Server.Value(TestCosemServer.Tariff));
    }

    [Fact]
    public void Receive_ActionNormalAndWithList_InvokeOrRefuse()
    {
        using var session = ServerAssociationProtectionTests.Associated(ServerAssociationProtectionTests.PolicyProtected);

        var single = Assert.IsType<ActionResponseNormal>(session.Exchange(new ActionRequestNormal(Invoke, TestCosemServer.RemoteDisconnect), session.Protected));
        var list = Assert.IsType<ActionResponseWithList>(session.Exchange(
            new ActionRequestWithList(Invoke, [TestCosemServer.RemoteDisconnect, TestCosemServer.RemoteDisconnect with { MethodId = 2 }], [CosemData.NullData.Instance, CosemData.NullData.Instance]),
            session.Protected));

        Assert.Equal(ActionResult.Success, single.SingleResponse.Result);
        Assert.Equal(new CosemData.Boolean(false), session.Server.Value(TestCosemServer.OutputState));
        Assert.Equal([ActionResult.Success, ActionResult.ObjectUndefined], list.ListOfResponses.Select(r => r.Result));
        Assert.Equal(2, session.Server.Calls.Count);
    }

    [Fact]
    public void Receive_ActionWithListOfUnequalLengths_AnswersMalformed()
    {
        using var session = Plain(PlainUtility);
        var request = new ActionRequestWithList(Invoke, [TestCosemServer.RemoteDisconnect], []);

        ServerSession.AssertException(session.Association.Receive(request.ToArray()), StateError.ServiceUnknown, ServiceError.OtherReason);
    }

    [Fact]
    public void Receive_ActionWithoutRightInPlainAssociation_IsDenied()
    {
        using var session = Plain(PlainUtility);

        var response = Assert.IsType<ActionResponseNormal>(session.Exchange(new ActionRequestNormal(Invoke, TestCosemServer.RemoteDisconnect)));

        Assert.Equal(ActionResult.ReadWriteDenied, response.SingleResponse.Result);
        Assert.Empty(session.Server.Calls);
    }

    public static TheoryData<string, Conformance, byte[]> NotNegotiated => new()
    {
        { "GET", ServerSession.AllServices & ~Conformance.Get, new GetRequestNormal(Invoke, TestCosemServer.Clock).ToArray() },
        { "GET with list", ServerSession.AllServices & ~Conformance.MultipleReferences, new GetRequestWithList(Invoke, [new(TestCosemServer.Clock)]).ToArray() },
        { "selective access", ServerSession.AllServices & ~Conformance.SelectiveAccess, new GetRequestNormal(Invoke, TestCosemServer.LoadProfile, new SelectiveAccessDescriptor(2, new CosemData.Structure(new CosemData.DoubleLongUnsigned(1), new CosemData.DoubleLongUnsigned(2), new CosemData.LongUnsigned(1), new CosemData.LongUnsigned(0)))).ToArray() },
        { "attribute 0 with GET", ServerSession.AllServices & ~Conformance.Attribute0SupportedWithGet, new GetRequestNormal(Invoke, TestCosemServer.Clock with { AttributeId = 0 }).ToArray() },
        { "SET", ServerSession.AllServices & ~Conformance.Set, new SetRequestNormal(Invoke, TestCosemServer.Tariff, null, CosemData.NullData.Instance).ToArray() },
        { "attribute 0 with SET", ServerSession.AllServices & ~Conformance.Attribute0SupportedWithSet, new SetRequestNormal(Invoke, TestCosemServer.Tariff with { AttributeId = 0 }, null, CosemData.NullData.Instance).ToArray() },
        { "SET with list", ServerSession.AllServices & ~Conformance.MultipleReferences, new SetRequestWithList(Invoke, [new(TestCosemServer.Tariff)], [CosemData.NullData.Instance]).ToArray() },
        { "SET with block transfer", ServerSession.AllServices & ~Conformance.BlockTransferWithSetOrWrite, new SetRequestWithFirstDatablock(Invoke, TestCosemServer.Tariff, null, new DataBlockSA(false, 1, new byte[] { 9, 2 })).ToArray() },
        { "ACTION", ServerSession.AllServices & ~Conformance.Action, new ActionRequestNormal(Invoke, TestCosemServer.RemoteDisconnect).ToArray() },
        { "ACTION with list", ServerSession.AllServices & ~Conformance.MultipleReferences, new ActionRequestWithList(Invoke, [TestCosemServer.RemoteDisconnect], [CosemData.NullData.Instance]).ToArray() },
        { "ACTION with block transfer, never negotiated", ServerSession.AllServices, new ActionRequestWithFirstPBlock(Invoke, TestCosemServer.RemoteDisconnect, new DataBlockSA(true, 1, new byte[] { 0 })).ToArray() },
        { "ACTION next block, never negotiated", ServerSession.AllServices, new ActionRequestNextPBlock(Invoke, 1).ToArray() },
    };

    [Theory]
    [MemberData(nameof(NotNegotiated))]
    public void Receive_ServiceNotNegotiated_AnswersServiceNotSupported(string what, Conformance proposed, byte[] request)
    {
        using var session = Plain(PlainUtility, proposed);

        var response = session.Association.Receive(request);

        Assert.False(string.IsNullOrEmpty(what));
        ServerSession.AssertException(response, StateError.ServiceNotAllowed, ServiceError.ServiceNotSupported);
        Assert.Empty(session.Server.Calls);
    }

    [Fact]
    public void Receive_NegotiatedConformance_IsProposedIntersectSupported()
    {
        using var session = Plain(PlainReader with { SupportedConformance = Conformance.Get | Conformance.SelectiveAccess }, Conformance.Get | Conformance.Set);

        Assert.Equal(Conformance.Get, session.Association.NegotiatedConformance);
    }

    public static TheoryData<string, byte[]> NotRequests => new()
    {
        { "GET response", new GetResponseNormal(Invoke, new GetDataResult(DataAccessResult.Success)).ToArray() },
        { "exception response", new ExceptionResponse(StateError.ServiceUnknown, ServiceError.OtherReason).ToArray() },
        { "InitiateRequest outside an AARQ", ServerSession.Initiate().ToArray() },
        { "RLRE", new Rlre { Reason = ReleaseResponseReason.Normal }.ToArray() },
        { "unknown tag", [0xFE, 0x01] },
        { "unknown GET choice", [0xC0, 0x04, 0xC1] },
    };

    [Theory]
    [MemberData(nameof(NotRequests))]
    public void Receive_ApduThatIsNoRequest_AnswersServiceUnknown(string what, byte[] apdu)
    {
        using var session = Plain(PlainUtility);

        var response = session.Association.Receive(apdu);

        Assert.False(string.IsNullOrEmpty(what));
        ServerSession.AssertException(response, StateError.ServiceUnknown, ServiceError.ServiceNotSupported);
        Assert.Equal(AssociationState.Associated, session.Association.State);
    }

    [Fact]
    public void Receive_RequestBeforeAssociation_AnswersOperationNotPossible()
    {
        using var session = new ServerSession(PlainReader, keys: null);

        var response = session.Association.Receive(new GetRequestNormal(Invoke, TestCosemServer.Clock).ToArray());

        ServerSession.AssertException(response, StateError.ServiceNotAllowed, ServiceError.OperationNotPossible);
        Assert.Equal(AssociationState.Idle, session.Association.State);
        Assert.Empty(session.Server.Contexts);
    }

    internal static ServerSession Plain(ServerAssociationDefinition definition, Conformance proposed = ServerSession.AllServices, ushort maxPdu = 0x04B0, BlockTransferLimits? limits = null)
    {
        var session = new ServerSession(definition, keys: null, limits);
        var aare = session.Associate(ServerSession.Aarq(ApplicationContextName.LogicalNameReferencingNoCiphering, ServerSession.Initiate(proposed, maxPdu).ToArray()));
        Assert.Equal(AssociationResult.Accepted, aare.Result);
        return session;
    }
}
