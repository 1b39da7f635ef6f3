using Meterline.Dlms.Acse;
using Meterline.Dlms.Axdr;
using Meterline.Dlms.Security;
using ExceptionResponse = Meterline.Dlms.Apdus.ExceptionResponse;

namespace Meterline.Dlms.Associations.Server;

/// <summary>
/// The ACSE side of one association definition (Green Book 9.3.2 and 9.4.4, association establishment and
/// release; ACSE per ISO/IEC 8650-1). It decides on an AARQ: every refusal is an AARE, ACSE problems with an
/// acse-service-user or acse-service-provider diagnostic, problems with the xDLMS InitiateRequest rejected-permanent,
/// no-reason-given, with a ConfirmedServiceError initiateError in the user-information (ciphered when the request
/// was), as in the Green Book example <c>… A305A103020101 BE0604040E010601</c>; HLS is accepted with diagnostic
/// authentication-required and the challenge StoC, pending passes 3 and 4. And it answers the user-information of
/// an RLRQ.
/// </summary>
internal sealed class ServerAcseHandler
{
    private readonly ServerAssociationDefinition _definition;
    private readonly ServerSecurityLayer? _security;

    public ServerAcseHandler(ServerAssociationDefinition definition, ServerSecurityLayer? security)
    {
        _definition = definition;
        _security = security;
    }

    private ApplicationContextName DefaultContext => _definition.AcceptedApplicationContexts[0];

    public ServerAarqOutcome Handle(ReadOnlySpan<byte> apdu)
    {
        if (!TryRead(apdu, out var aarq))
        {
            return Rejected(DefaultContext, AssociateSourceDiagnostic.FromServiceProvider(AcseServiceProviderDiagnostic.NoReasonGiven));
        }

        var context = aarq.ApplicationContextName;
        if (aarq.ProtocolVersion is { } version && !version.HasFlag(AcseProtocolVersion.Version1))
        {
            return Rejected(context, AssociateSourceDiagnostic.FromServiceProvider(AcseServiceProviderDiagnostic.NoCommonAcseVersion));
        }

        if (!_definition.AcceptedApplicationContexts.Contains(context))
        {
            return Rejected(DefaultContext, User(AcseServiceUserDiagnostic.ApplicationContextNameNotSupported));
        }

        if (CheckMechanism(aarq) is { } mechanismRefusal)
        {
            return Rejected(context, User(mechanismRefusal));
        }

        var ciphered = context == ApplicationContextName.LogicalNameReferencingWithCiphering;
        SystemTitle? client = null;
        if (ciphered || _definition.IsHighLevelSecurity)
        {
            if (!TryGetClientSystemTitle(aarq, out var title))
            {
                return Rejected(context, User(AcseServiceUserDiagnostic.CallingApTitleNotRecognized));
            }

            client = title;
            if (_security!.ServerCounter.IsExhausted && (ciphered || _definition.Mechanism == AuthenticationMechanism.HighGmac))
            {
                // Nothing can be ciphered or proven until the keys are renewed.
                return Rejected(context, User(AcseServiceUserDiagnostic.NoReasonGiven), AssociationResult.RejectedTransient);
            }
        }

        var initiate = ReadInitiateRequest(aarq, ciphered, client, out var securityControl, out var initiateError);
        if (initiate is not null)
        {
            initiateError = CheckInitiateRequest(initiate, ciphered);
        }

        if (initiateError is { } error)
        {
            var userInformation = new ConfirmedServiceError(ConfirmedService.InitiateError, error).ToArray();
            return Rejected(context, User(AcseServiceUserDiagnostic.NoReasonGiven), userInformation: Protect(userInformation, securityControl));
        }

        if (CheckAuthenticationValue(aarq) is { } authenticationRefusal)
        {
            return Rejected(context, User(authenticationRefusal));
        }

        return Accept(aarq, initiate!, client, securityControl);
    }

    /// <summary>
    /// The RLRE user-information answering an RLRQ's (Green Book 9.4.4.3): the InitiateResponse, ciphered like the
    /// request in a ciphered association; or the refusal when the RLRQ's does not verify, is stale or is not an
    /// InitiateRequest.
    /// </summary>
    public ExceptionResponse? AnswerRelease(
        ReadOnlySpan<byte> userInformation,
        bool ciphered,
        SystemTitle? client,
        Conformance negotiated,
        out byte[] answer)
    {
        answer = CreateInitiateResponse(negotiated);
        if (!ciphered)
        {
            return IsInitiateRequest(userInformation) ? null : ServerRefusals.Malformed;
        }

        if (_security!.ServerCounter.IsExhausted)
        {
            return ServerRefusals.CannotProtect;
        }

        if (_security.TryDecipherInitiate(userInformation, client!.Value, out var plain, out var control) is { } refusal)
        {
            return refusal;
        }

        if (!IsInitiateRequest(plain))
        {
            return ServerRefusals.Malformed;
        }

        var response = Protect(answer, control);
        answer = response.Bytes;
        return response.Ciphered ? null : ServerRefusals.CannotProtect;
    }

    private static AssociateSourceDiagnostic User(AcseServiceUserDiagnostic diagnostic) =>
        AssociateSourceDiagnostic.FromServiceUser(diagnostic);

    /// <summary>
    /// An optional octet string: a null array must stay absent, not become an empty but present field through the
    /// implicit array conversion (see <see cref="OptionalBytes"/>).
    /// </summary>
    private static ReadOnlyMemory<byte>? Optional(byte[]? bytes)
    {
        if (bytes is null)
        {
            return null;
        }

        return bytes;
    }

    private static bool TryRead(ReadOnlySpan<byte> apdu, out Aarq aarq)
    {
        try
        {
            var reader = new AxdrReader(apdu);
            aarq = Aarq.Read(ref reader);
            reader.EnsureAtEnd();
            return true;
        }
        catch (DlmsFormatException)
        {
            aarq = null!;
            return false;
        }
    }

    private static ServerAarqOutcome Rejected(
        ApplicationContextName context,
        AssociateSourceDiagnostic diagnostic,
        AssociationResult result = AssociationResult.RejectedPermanent,
        (byte[] Bytes, bool Ciphered, SystemTitle? Server) userInformation = default) => new()
    {
        Response = new Aare
        {
            ApplicationContextName = context,
            Result = result,
            ResultSourceDiagnostic = diagnostic,
            RespondingApTitle = Optional(userInformation.Ciphered ? userInformation.Server?.Encode() : null),
            UserInformation = Optional(userInformation.Bytes),
        },
        Context = context,
    };

    /// <summary>The mechanism must be the definition's, named with the authentication functional unit selected.</summary>
    private AcseServiceUserDiagnostic? CheckMechanism(Aarq aarq)
    {
        var proposed = aarq.MechanismName ?? AuthenticationMechanism.Lowest;
        if (_definition.Mechanism == AuthenticationMechanism.Lowest)
        {
            return proposed == AuthenticationMechanism.Lowest ? null : AcseServiceUserDiagnostic.AuthenticationMechanismNameNotRecognised;
        }

        var selected = aarq.SenderAcseRequirements is { } requirements && requirements.HasFlag(AcseRequirements.Authentication);
        if (aarq.MechanismName is null || !selected)
        {
            return AcseServiceUserDiagnostic.AuthenticationMechanismNameRequired;
        }

        return proposed == _definition.Mechanism ? null : AcseServiceUserDiagnostic.AuthenticationMechanismNameNotRecognised;
    }

    /// <summary>
    /// calling-AP-title carries the client system title (Green Book 9.4.4): eight bytes, and never the server's own,
    /// which would make both sides use the same GCM IVs under the same key.
    /// </summary>
    private bool TryGetClientSystemTitle(Aarq aarq, out SystemTitle client)
    {
        client = default;
        if (aarq.CallingApTitle is not { Length: SystemTitle.Length } title)
        {
            return false;
        }

        client = SystemTitle.FromBytes(title.Span);
        return client != _security!.ServerSystemTitle;
    }

    /// <summary>
    /// Reads the InitiateRequest from the user-information: deciphered from a glo-initiate-request in a ciphered
    /// context (its counter checked and recorded), plain otherwise.
    /// </summary>
    private InitiateRequest? ReadInitiateRequest(
        Aarq aarq,
        bool ciphered,
        SystemTitle? client,
        out SecurityControl? securityControl,
        out ServiceError? error)
    {
        securityControl = null;
        error = ServiceError.FromInitiate(InitiateError.Other);
        if (aarq.UserInformation is not { } information)
        {
            return null;
        }

        var plain = information;
        if (ciphered)
        {
            if (information.Span is not [CipheredApduTags.GloInitiateRequest, ..])
            {
                return null;
            }

            if (_security!.TryDecipherInitiate(information.Span, client!.Value, out var deciphered, out var control) is not null)
            {
                error = ServiceError.FromApplicationReference(ApplicationReferenceError.DecipheringError);
                return null;
            }

            securityControl = control;
            plain = deciphered;
            if (!SecurityPolicyCheck.IsSatisfied(_definition.SecurityPolicy, MessageDirection.Request, MessageProtection.From(control, signed: false)))
            {
                return null;
            }
        }

        try
        {
            var reader = new AxdrReader(plain.Span);
            var request = InitiateRequest.Read(ref reader);
            reader.EnsureAtEnd();
            error = null;
            return request;
        }
        catch (DlmsFormatException)
        {
            return null;
        }
    }

    /// <summary>
    /// The xDLMS initiate checks: a dedicated key only inside ciphering and only of the suite's key length; DLMS
    /// version 6 or later; some conformance in common; and a client PDU size of 0 (no limit) or at least 12.
    /// </summary>
    private ServiceError? CheckInitiateRequest(InitiateRequest request, bool ciphered)
    {
        if (request.DedicatedKey is { } key && (!ciphered || key.Length != CipherKey.Length))
        {
            return ServiceError.FromInitiate(InitiateError.Other);
        }

        if (request.ProposedDlmsVersionNumber < 6)
        {
            return ServiceError.FromInitiate(InitiateError.DlmsVersionTooLow);
        }

        if (Negotiate(request.ProposedConformance, ciphered) == Conformance.None)
        {
            return ServiceError.FromInitiate(InitiateError.IncompatibleConformance);
        }

        return request.ClientMaxReceivePduSize is > 0 and < ServerAssociationDefinition.MinimumPduSize
            ? ServiceError.FromInitiate(InitiateError.PduSizeTooShort)
            : null;
    }

    private Conformance Negotiate(Conformance proposed, bool ciphered) =>
        proposed & _definition.SupportedConformance & (ciphered ? ~Conformance.None : ~Conformance.GeneralProtection);

    /// <summary>The LLS password (compared in fixed time) or the HLS challenge CtoS (8 to 64 bytes).</summary>
    private AcseServiceUserDiagnostic? CheckAuthenticationValue(Aarq aarq)
    {
        if (_definition.Mechanism == AuthenticationMechanism.Lowest)
        {
            return null;
        }

        if (aarq.CallingAuthenticationValue is not { } value)
        {
            return AcseServiceUserDiagnostic.AuthenticationRequired;
        }

        var valid = value.Kind == AuthenticationValueKind.CharString && (_definition.Mechanism == AuthenticationMechanism.Low
            ? _definition.LlsPassword!.Verify(value.Value.Span)
            : HlsChallenge.IsValidLength(value.Value.Length));
        return valid ? null : AcseServiceUserDiagnostic.AuthenticationFailure;
    }

    private ServerAarqOutcome Accept(Aarq aarq, InitiateRequest request, SystemTitle? client, SecurityControl? securityControl)
    {
        var context = aarq.ApplicationContextName;
        if (!request.ResponseAllowed && _definition.IsHighLevelSecurity)
        {
            // Passes 2 to 4 need responses: an HLS association cannot be unconfirmed. Nothing is sent back.
            return new ServerAarqOutcome { Response = null, Context = context };
        }

        var ciphered = securityControl is not null;
        var negotiated = Negotiate(request.ProposedConformance, ciphered);
        var userInformation = Protect(CreateInitiateResponse(negotiated), securityControl);
        if (ciphered && !userInformation.Ciphered)
        {
            return Rejected(context, User(AcseServiceUserDiagnostic.NoReasonGiven), AssociationResult.RejectedTransient);
        }

        var hls = _definition.IsHighLevelSecurity
            ? new ServerHlsAuthentication(_definition.Mechanism, aarq.CallingAuthenticationValue!.Value.Span)
            : null;
        var response = new Aare
        {
            ApplicationContextName = context,
            Result = AssociationResult.Accepted,
            ResultSourceDiagnostic = User(hls is null ? AcseServiceUserDiagnostic.Null : AcseServiceUserDiagnostic.AuthenticationRequired),
            RespondingApTitle = Optional(client is null ? null : _security!.ServerSystemTitle.Encode()),
            ResponderAcseRequirements = hls is null ? null : AcseRequirements.Authentication,
            MechanismName = hls is null ? null : _definition.Mechanism,
            RespondingAuthenticationValue = hls is null ? null : AuthenticationValue.CharString(hls.ServerChallenge),
            UserInformation = userInformation.Bytes,
        };
        return new ServerAarqOutcome
        {
            Response = request.ResponseAllowed ? response : null,
            Accepted = true,
            Context = context,
            ClientSystemTitle = client,
            NegotiatedConformance = negotiated,
            ClientMaxReceivePduSize = request.ClientMaxReceivePduSize,
            DedicatedKey = request.DedicatedKey is { } key ? CipherKey.FromBytes(key.Span) : null,
            Hls = hls,
        };
    }

    private static bool IsInitiateRequest(ReadOnlySpan<byte> plain)
    {
        try
        {
            return AssociationInformation.DecodePlain(plain) is InitiateRequest;
        }
        catch (DlmsFormatException)
        {
            return false;
        }
    }

    private byte[] CreateInitiateResponse(Conformance negotiated) => new InitiateResponse
    {
        NegotiatedConformance = negotiated,
        ServerMaxReceivePduSize = _definition.ServerMaxReceivePduSize,
        VaaName = InitiateResponse.LogicalNameVaaName,
    }.ToArray();

    /// <summary>
    /// Ciphers an InitiateResponse or ConfirmedServiceError as glo- when the request was ciphered, with at least the
    /// request's protection and the policy's; plain when it was not, or when the server's counter is exhausted.
    /// </summary>
    private (byte[] Bytes, bool Ciphered, SystemTitle? Server) Protect(byte[] plain, SecurityControl? requestControl)
    {
        if (requestControl is not { } control)
        {
            return (plain, false, null);
        }

        var plan = new ServerProtection(ServerCiphering.Global, control, signed: false, signatureOutside: false, ReadOnlyMemory<byte>.Empty)
            .StrengthenedTo(SecurityPolicyCheck.Required(_definition.SecurityPolicy, MessageDirection.Response), control.Suite);
        return _security!.Protect(plain, plan) is { } protectedBytes
            ? (protectedBytes, true, _security.ServerSystemTitle)
            : (plain, false, null);
    }
}
