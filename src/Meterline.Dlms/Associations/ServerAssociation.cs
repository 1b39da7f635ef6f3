using Meterline.Dlms.Acse;
using Meterline.Dlms.Apdus;
using Meterline.Dlms.Associations.Server;
using Meterline.Dlms.Cosem;
using Meterline.Dlms.Security;

namespace Meterline.Dlms.Associations;

/// <summary>
/// The meter's side of one application association (Green Book 9.4.4), as a sans-I/O state machine: each received
/// APDU goes into <see cref="Receive"/>, and the encoded response APDU to send comes out. It establishes the
/// association (AARQ/AARE, with LLS or HLS mechanism 5 or 7 and passes 3 and 4), deciphers and checks every request
/// (counters, signatures, security policy, access rights), serves GET, SET and ACTION from an
/// <see cref="ICosemServer"/> with block transfer, protects each response at least as strongly as its request, and
/// releases (RLRQ/RLRE). Malformed, forged or refused requests are answered with the standard's refusal values or
/// ExceptionResponse; <see cref="Receive"/> throws only for a disposed instance. No clock and no I/O: timeouts belong
/// to the caller. One instance serves one association at a time and is not thread-safe.
/// </summary>
public sealed class ServerAssociation : IDisposable
{
    private readonly AssociationKeys? _keys;
    private readonly ServerSecurityLayer? _security;
    private readonly ServerAcseHandler _acse;
    private readonly ServerGetService _get;
    private readonly ServerSetService _set;
    private readonly ServerActionService _action;
    private ServerHlsAuthentication? _hls;
    private bool _ciphered;
    private bool _disposed;

    /// <param name="definition">The association offered.</param>
    /// <param name="keys">The server's system title and keys; null only for an association without ciphering and HLS.</param>
    /// <param name="server">The object model served.</param>
    /// <param name="clientCounters">The last invocation counters accepted from clients; owned and persisted by the caller.</param>
    /// <param name="serverCounter">The server's own invocation counter for the global key; owned and persisted by the caller.</param>
    /// <param name="limits">Caps on reassembling a long SET; <see cref="BlockTransferLimits.Default"/> when null.</param>
    /// <param name="transactionIds">
    /// The last general-signing transaction-ids accepted, owned and persisted by the caller: when given, a signed
    /// request whose transaction-id is not fresh is refused as a replay. Null: transaction-ids are not checked (the
    /// ciphering layer's counter still is).
    /// </param>
    /// <exception cref="ArgumentException">The definition is inconsistent, or the keys do not allow what it needs.</exception>
    /// <exception cref="DlmsSecurityException">A signing or public key is not a P-256 key.</exception>
    public ServerAssociation(
        ServerAssociationDefinition definition,
        AssociationKeys? keys,
        ICosemServer server,
        InvocationCounterGuard clientCounters,
        OutgoingInvocationCounter serverCounter,
        BlockTransferLimits? limits = null,
        TransactionIdGuard? transactionIds = null)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(clientCounters);
        ArgumentNullException.ThrowIfNull(serverCounter);
        definition.Validate();
        ServerKeyRequirements.Check(definition, keys);
        Definition = definition;
        _keys = keys;
        var policy = definition.SecurityPolicy;
        _security = keys is null
            ? null
            : new ServerSecurityLayer(
                keys,
                clientCounters,
                serverCounter,
                acceptEncryptionOnly: policy.HasFlag(SecurityPolicy.EncryptedRequest) && !policy.HasFlag(SecurityPolicy.AuthenticatedRequest),
                transactionIds,
                OnSignatureRefused);
        _acse = new ServerAcseHandler(definition, _security);
        _get = new ServerGetService(server);
        _set = new ServerSetService(server, limits ?? BlockTransferLimits.Default);
        _action = new ServerActionService(server);
        Context = CreateContext(MessageProtection.None);
    }

    /// <summary>
    /// A request was refused for its signature: unsigned where the access right asks for a signature, a signature
    /// that does not verify, or a replayed transaction-id. Raised during <see cref="Receive"/>, before it returns the
    /// refusal; the request changed nothing.
    /// </summary>
    public event EventHandler<SignatureRefusedEventArgs>? SignatureRefused;

    public ServerAssociationDefinition Definition { get; }

    public AssociationState State { get; private set; }

    /// <summary>The application context of the association, once an AARQ was accepted.</summary>
    public ApplicationContextName? ApplicationContext { get; private set; }

    /// <summary>The conformance both sides agreed on: proposed ∩ supported.</summary>
    public Conformance NegotiatedConformance { get; private set; }

    /// <summary>client-max-receive-pdu-size of the InitiateRequest; 0 means no limit.</summary>
    public ushort ClientMaxReceivePduSize { get; private set; }

    /// <summary>The client's system title (calling-AP-title) in a ciphered or HLS association.</summary>
    public SystemTitle? ClientSystemTitle { get; private set; }

    /// <summary>True when the client sent a dedicated key, so ded- ciphering is available.</summary>
    public bool HasDedicatedKey => _security?.HasDedicatedKey ?? false;

    /// <summary>
    /// The association as the object model sees it, with the protection of the request processed last
    /// (<see cref="MessageProtection.None"/> before any).
    /// </summary>
    public AssociationContext Context { get; private set; }

    /// <summary>
    /// Processes one complete APDU and returns the encoded APDU to send back, or null when none is due (an
    /// unconfirmed request, or an AARQ that asked for no response).
    /// </summary>
    public ReadOnlyMemory<byte>? Receive(ReadOnlySpan<byte> apdu)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (apdu.IsEmpty)
        {
            return ServerRefusals.Malformed.ToArray();
        }

        return apdu[0] switch
        {
            Aarq.ApduTag => ReceiveAarq(apdu),
            Rlrq.ApduTag => ReceiveRlrq(apdu),
            _ => ReceiveRequest(apdu),
        };
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _hls?.Dispose();
        _security?.Dispose();
    }

    /// <summary>
    /// The encoded AARE, or no response. (Returning a null array instead would arrive as an empty but present
    /// response through the implicit array conversion.)
    /// </summary>
    private static ReadOnlyMemory<byte>? Encode(Aare? response)
    {
        if (response is null)
        {
            return null;
        }

        return response.ToArray();
    }

    private static bool IsProtectedTag(byte tag) =>
        CipheredApduTags.IsServiceSpecificCiphered(tag) ||
        tag is GeneralGloCiphering.ApduTag or GeneralDedCiphering.ApduTag or GeneralCiphering.ApduTag or GeneralSigning.ApduTag;

    private ReadOnlyMemory<byte>? ReceiveAarq(ReadOnlySpan<byte> apdu)
    {
        if (State is AssociationState.Associated or AssociationState.AwaitingHlsCompletion)
        {
            // One association at a time: the one established stays, the new request is refused for now.
            return new Aare
            {
                ApplicationContextName = ApplicationContext!.Value,
                Result = AssociationResult.RejectedTransient,
                ResultSourceDiagnostic = AssociateSourceDiagnostic.FromServiceUser(AcseServiceUserDiagnostic.NoReasonGiven),
            }.ToArray();
        }

        EndAssociation();
        var outcome = _acse.Handle(apdu);
        if (!outcome.Accepted)
        {
            State = AssociationState.Aborted;
            return Encode(outcome.Response);
        }

        _ciphered = outcome.Context == ApplicationContextName.LogicalNameReferencingWithCiphering;
        ApplicationContext = outcome.Context;
        NegotiatedConformance = outcome.NegotiatedConformance;
        ClientMaxReceivePduSize = outcome.ClientMaxReceivePduSize;
        ClientSystemTitle = outcome.ClientSystemTitle;
        if (_security is not null)
        {
            _security.ClientSystemTitle = outcome.ClientSystemTitle;
            _security.UseDedicatedKey(outcome.DedicatedKey);
        }

        _hls = outcome.Hls;
        State = _hls is null ? AssociationState.Associated : AssociationState.AwaitingHlsCompletion;
        Context = CreateContext(MessageProtection.None);
        return Encode(outcome.Response);
    }

    /// <summary>
    /// RLRQ → RLRE reason normal (Green Book 9.4.4.3). A user-information in the RLRQ is an InitiateRequest, ciphered
    /// in a ciphered association; it is checked like any request and answered with the InitiateResponse, protected
    /// the same way. A release that does not verify changes nothing.
    /// </summary>
    private ReadOnlyMemory<byte>? ReceiveRlrq(ReadOnlySpan<byte> apdu)
    {
        Rlrq request;
        try
        {
            request = (Rlrq)ApduCodec.Decode(apdu);
        }
        catch (DlmsFormatException)
        {
            return ServerRefusals.Malformed.ToArray();
        }

        if (State is not (AssociationState.Associated or AssociationState.AwaitingHlsCompletion))
        {
            return new Rlre { Reason = ReleaseResponseReason.Normal }.ToArray();
        }

        ReadOnlyMemory<byte>? userInformation = null;
        if (request.UserInformation is { } information)
        {
            if (_acse.AnswerRelease(information.Span, _ciphered, ClientSystemTitle, NegotiatedConformance, out var answer) is { } refusal)
            {
                return refusal.ToArray();
            }

            userInformation = answer;
        }

        EndAssociation();
        State = AssociationState.Released;
        return new Rlre { Reason = ReleaseResponseReason.Normal, UserInformation = userInformation }.ToArray();
    }

    private ReadOnlyMemory<byte>? ReceiveRequest(ReadOnlySpan<byte> apdu)
    {
        if (State is not (AssociationState.Associated or AssociationState.AwaitingHlsCompletion))
        {
            return ServerRefusals.NotAssociated.ToArray();
        }

        if (apdu.Length > Definition.ServerMaxReceivePduSize)
        {
            return ServerRefusals.PduTooLong.ToArray();
        }

        ServerInboundMessage message;
        if (_ciphered)
        {
            if (_security!.ServerCounter.IsExhausted)
            {
                return ServerRefusals.CannotProtect.ToArray();
            }

            if (!_security.TryUnwrap(apdu, Negotiated(Conformance.GeneralProtection), out var unwrapped, out var refusal))
            {
                return refusal.ToArray();
            }

            message = unwrapped;
        }
        else if (IsProtectedTag(apdu[0]))
        {
            return ServerRefusals.NotSupported.ToArray();
        }
        else
        {
            message = new ServerInboundMessage(apdu.ToArray(), default);
        }

        Apdu request;
        try
        {
            request = ApduCodec.Decode(message.Apdu);
        }
        catch (DlmsFormatException e)
        {
            return (e.Reason == DlmsErrorReason.UnknownTag && e.Offset <= 1 ? ServerRefusals.UnknownService : ServerRefusals.Malformed).ToArray();
        }

        Context = CreateContext(message.Protection.Protection);
        var serverRequest = CreateRequest(message.Protection);
        var reply = State == AssociationState.AwaitingHlsCompletion
            ? Authenticate(request, message, serverRequest)
            : Serve(request, serverRequest);
        var response = Send(reply, message.Protection);
        if (State == AssociationState.Aborted)
        {
            EndAssociation();
        }

        return response;
    }

    private ServerReply Serve(Apdu request, ServerRequest serverRequest)
    {
        if (request is not GetRequestNext)
        {
            _get.Abort();
        }

        if (request is not SetRequestWithDatablock)
        {
            _set.Abort();
        }

        return request switch
        {
            GetRequestNormal get => _get.Get(serverRequest, get),
            GetRequestWithList get => _get.GetWithList(serverRequest, get),
            GetRequestNext get => _get.GetNext(serverRequest, get),
            SetRequestNormal set => _set.Set(serverRequest, set),
            SetRequestWithList set => _set.SetWithList(serverRequest, set),
            SetRequestWithFirstDatablock set => _set.SetFirstBlock(serverRequest, set),
            SetRequestWithListAndFirstDatablock set => _set.SetListFirstBlock(serverRequest, set),
            SetRequestWithDatablock set => _set.SetBlock(serverRequest, set),

            // Authentication happens once, in passes 3 and 4; the association does not re-run it.
            ActionRequestNormal action when ServerHlsAuthentication.IsReply(action.CosemMethodDescriptor, Definition.LogicalName) =>
                new(ServerRefusals.DenyAll(action), serverRequest.ResponseBaseline),
            ActionRequestNormal action => _action.Action(serverRequest, action),
            ActionRequestWithList action => _action.ActionWithList(serverRequest, action),
            ActionRequestWithFirstPBlock or ActionRequestWithListAndFirstPBlock or ActionRequestWithPBlock or ActionRequestNextPBlock =>
                ServerRefusals.NotSupported,
            _ => ServerRefusals.UnknownService,
        };
    }

    /// <summary>
    /// While HLS passes 3 and 4 are pending only reply_to_HLS_authentication is served; every other request is
    /// denied. A proof that does not verify, or that arrives protected more weakly than the policy requires, ends
    /// the association (Aborted).
    /// </summary>
    private ServerReply Authenticate(Apdu request, ServerInboundMessage message, ServerRequest serverRequest)
    {
        if (request is not ActionRequestNormal action || !ServerHlsAuthentication.IsReply(action.CosemMethodDescriptor, Definition.LogicalName))
        {
            return new(ServerRefusals.DenyAll(request), serverRequest.ResponseBaseline);
        }

        var hls = _hls!;
        _hls = null;
        var policyMet = SecurityPolicyCheck.IsSatisfied(Definition.SecurityPolicy, MessageDirection.Request, serverRequest.Protection);
        var response = hls.Reply(action, policyMet, message, _security!, _keys!, ClientSystemTitle!.Value);
        hls.Dispose();
        State = response.SingleResponse.Result == ActionResult.Success ? AssociationState.Associated : AssociationState.Aborted;
        Context = CreateContext(serverRequest.Protection);
        return new(response, serverRequest.ResponseBaseline);
    }

    /// <summary>Encodes the reply and protects it like its request, strengthened to what the reply requires.</summary>
    private ReadOnlyMemory<byte>? Send(ServerReply reply, ServerProtection requestProtection)
    {
        if (reply.Response is not { } response)
        {
            return null;
        }

        var plain = response.ToArray();
        if (response is ExceptionResponse || !_ciphered)
        {
            return plain;
        }

        var plan = ResponsePlan(requestProtection, reply.Required);
        if (!plan.IsCiphered && !plan.Signed)
        {
            return plain;
        }

        return _security!.Protect(plain, plan) ?? ServerRefusals.CannotProtect.ToArray();
    }

    private bool Negotiated(Conformance service) => (NegotiatedConformance & service) == service;

    private ServerRequest CreateRequest(ServerProtection protection)
    {
        var ciphered = _ciphered;
        var capability = ciphered
            ? new MessageProtection(true, true, _security!.CanSign && Negotiated(Conformance.GeneralProtection))
            : MessageProtection.None;
        return new ServerRequest
        {
            Association = Context,
            Conformance = NegotiatedConformance,
            Policy = Definition.SecurityPolicy,
            ResponseCapability = capability,
            MaxResponseLength = required => ciphered
                ? _security!.GetMaxPlainLength(ClientMaxReceivePduSize, ResponsePlan(protection, required))
                : ClientMaxReceivePduSize == 0 ? int.MaxValue : ClientMaxReceivePduSize,
            SignatureRefused = OnSignatureRefused,
        };
    }

    /// <summary>
    /// The response's layers: the request's, strengthened to what the reply requires. A server without a signing key
    /// of its own answers a signed request unsigned (the access check never grants a reply that requires a signature).
    /// </summary>
    private ServerProtection ResponsePlan(ServerProtection request, MessageProtection required)
    {
        var plan = request.StrengthenedTo(required, _keys!.Suite);
        return plan.Signed && !_security!.CanSign ? plan.WithoutSignature() : plan;
    }

    private void OnSignatureRefused(SignatureRefusal reason) => SignatureRefused?.Invoke(this, new SignatureRefusedEventArgs(reason));

    private AssociationContext CreateContext(MessageProtection protection) => new(
        Definition.LogicalName,
        Definition.ClientSap,
        Definition.Mechanism,
        IsAuthenticated: State == AssociationState.Associated && Definition.Mechanism != AuthenticationMechanism.Lowest,
        ClientSystemTitle,
        protection);

    /// <summary>Forgets everything of the current association: transfers, challenges, dedicated key, client title.</summary>
    private void EndAssociation()
    {
        _get.Abort();
        _set.Abort();
        _hls?.Dispose();
        _hls = null;
        if (_security is not null)
        {
            _security.UseDedicatedKey(null);
            _security.ClientSystemTitle = null;
        }

        _ciphered = false;
        ApplicationContext = null;
        NegotiatedConformance = Conformance.None;
        ClientMaxReceivePduSize = 0;
        ClientSystemTitle = null;
        Context = CreateContext(MessageProtection.None);
    }
}
