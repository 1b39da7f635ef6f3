using Meterline.Dlms.Acse;
using Meterline.Dlms.Apdus;
using Meterline.Dlms.Cosem;
using Meterline.Dlms.Security;

namespace Meterline.Dlms.Associations;

/// <summary>
/// The client side of one application association, sans I/O (Green Book, "Application association establishment"
/// and "Protection of xDLMS APDUs"). It builds the AARQ for the chosen security level, evaluates the AARE, runs HLS
/// passes 3 and 4 and aborts when the server's proof is wrong, protects every request (ciphering with a strictly
/// increasing counter), and checks every response: the server's counters must strictly increase, a response may not
/// be protected more weakly than its request or the policy (no downgrade), and a ciphered response must come from the
/// server that answered the AARE. It has no clock and no link; the async client above owns both.
/// </summary>
public sealed class ClientAssociation : IDisposable
{
    /// <summary>reply_to_HLS_authentication: method 1 of Association LN (class 15), current association.</summary>
    public static readonly CosemMethodDescriptor ReplyToHlsAuthentication = new(15, new ObisCode(0, 0, 40, 0, 0, 255), 1);

    private readonly ClientAssociationSettings _settings;
    private readonly AssociationKeys? _keys;
    private readonly OutgoingInvocationCounter? _counter;
    private readonly InvocationCounterGuard _serverCounters;
    private readonly InvocationCounterGuard _dedicatedCounters = new();
    private readonly AesGcmCipher? _globalCipher;
    private AesGcmCipher? _dedicatedCipher;
    private byte[]? _clientChallenge;
    private byte[]? _serverChallenge;
    private MessageProtection _lastRequestProtection;

    /// <param name="settings">What to ask for.</param>
    /// <param name="keys">The client's keys: required for a ciphered context and for HLS 5 and 7.</param>
    /// <param name="counter">The client's invocation counter for the global key (persisted by the caller); required when ciphering.</param>
    /// <param name="serverCounters">The last counters accepted from servers (persisted by the caller); a fresh guard when null.</param>
    public ClientAssociation(
        ClientAssociationSettings settings,
        AssociationKeys? keys = null,
        OutgoingInvocationCounter? counter = null,
        InvocationCounterGuard? serverCounters = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var needsKeys = settings.IsCiphered || settings.Mechanism is AuthenticationMechanism.HighGmac or AuthenticationMechanism.HighEcdsa;
        if (needsKeys && keys is null)
        {
            throw new ArgumentException("A ciphered context and HLS need the client's keys", nameof(keys));
        }

        if ((settings.IsCiphered || settings.Mechanism == AuthenticationMechanism.HighGmac) && counter is null)
        {
            throw new ArgumentException("A ciphered context and HLS-GMAC need the client's invocation counter", nameof(counter));
        }

        if (settings.Mechanism == AuthenticationMechanism.Low && settings.Password is null)
        {
            throw new ArgumentException("LLS needs a password", nameof(settings));
        }

        if (settings.Mechanism == AuthenticationMechanism.HighEcdsa
            && (keys?.SigningKey is null || keys.PeerPublicKey is null || keys.Suite != SecuritySuite.EcdhEcdsaAesGcm128Sha256))
        {
            throw new ArgumentException("HLS mechanism 7 needs suite 1, the client's signing key and the server's public key", nameof(keys));
        }

        if (settings.Mechanism is not (AuthenticationMechanism.Lowest or AuthenticationMechanism.Low or AuthenticationMechanism.HighGmac or AuthenticationMechanism.HighEcdsa))
        {
            throw new ArgumentException($"Authentication mechanism {settings.Mechanism} is not supported", nameof(settings));
        }

        _settings = settings;
        _keys = keys;
        _counter = counter;
        _serverCounters = serverCounters ?? new InvocationCounterGuard();
        if (needsKeys)
        {
            _globalCipher = new AesGcmCipher(keys!.GlobalUnicastEncryptionKey, keys.AuthenticationKey, keys.Suite);
        }
    }

    public AssociationState State { get; private set; }

    /// <summary>The server's system title, from the AARE's responding-AP-title.</summary>
    public SystemTitle? ServerSystemTitle { get; private set; }

    /// <summary>The conformance both sides agreed on.</summary>
    public Conformance NegotiatedConformance { get; private set; }

    /// <summary>The largest APDU the server accepts (0: no limit).</summary>
    public ushort ServerMaxReceivePduSize { get; private set; }

    /// <summary>The settings this association was built with.</summary>
    public ClientAssociationSettings Settings => _settings;

    /// <summary>Builds the AARQ; the association then waits for the AARE.</summary>
    public byte[] CreateAarq()
    {
        if (State is not (AssociationState.Idle or AssociationState.Released or AssociationState.Aborted))
        {
            throw new InvalidOperationException($"An AARQ cannot be sent while the association is {State}");
        }

        ServerSystemTitle = null;
        _serverChallenge = null;
        _dedicatedCipher?.Dispose();
        _dedicatedCipher = null;
        byte[]? dedicatedKey = null;
        if (_settings.UseDedicatedKey && _settings.IsCiphered)
        {
            var key = CipherKey.Generate();
            dedicatedKey = new byte[CipherKey.Length];
            key.CopyTo(dedicatedKey);
            _dedicatedCipher = new AesGcmCipher(key, _keys!.AuthenticationKey, _keys.Suite);
        }

        var initiate = new InitiateRequest
        {
            // The cast matters: a bare null here converts through ReadOnlyMemory's implicit conversion from an array
            // and arrives as a present but empty value.
            DedicatedKey = dedicatedKey is null ? (ReadOnlyMemory<byte>?)null : dedicatedKey,
            ProposedConformance = _settings.ProposedConformance,
            ClientMaxReceivePduSize = _settings.MaxReceivePduSize,
        };
        var userInformation = initiate.ToArray();
        if (_settings.IsCiphered)
        {
            // The InitiateRequest of a ciphered context is always authenticated and encrypted (glo-initiate-request).
            userInformation = CipheredApdu.Protect(_globalCipher!, SecurityControl.Create(_keys!.Suite, authenticated: true, encrypted: true), _keys.SystemTitle, _counter!.Allocate(), userInformation).ToArray();
        }

        if (dedicatedKey is not null)
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(dedicatedKey);
        }

        var authenticated = _settings.Mechanism != AuthenticationMechanism.Lowest;
        AuthenticationValue? callingValue = null;
        if (_settings.Mechanism == AuthenticationMechanism.Low)
        {
            callingValue = AuthenticationValue.CharString(_settings.Password!.ToArray());
        }
        else if (authenticated)
        {
            _clientChallenge = HlsChallenge.Generate(_settings.ChallengeLength);
            callingValue = AuthenticationValue.CharString(_clientChallenge);
        }

        var sendsTitle = _settings.IsCiphered || _settings.Mechanism is AuthenticationMechanism.HighGmac or AuthenticationMechanism.HighEcdsa;
        var aarq = new Aarq
        {
            ApplicationContextName = _settings.ApplicationContext,
            CallingApTitle = sendsTitle ? _keys!.SystemTitle.Encode() : (ReadOnlyMemory<byte>?)null,
            SenderAcseRequirements = authenticated ? AcseRequirements.Authentication : null,
            MechanismName = authenticated ? _settings.Mechanism : null,
            CallingAuthenticationValue = callingValue,
            UserInformation = userInformation,
        };
        State = AssociationState.AwaitingResponse;
        _lastRequestProtection = MessageProtection.None;
        return aarq.ToArray();
    }

    /// <summary>
    /// Evaluates the AARE. A refusal is returned as a value; a failed security check (forged or replayed initiate
    /// response, a server that is not the expected one, a downgrade) aborts the association and throws.
    /// </summary>
    /// <exception cref="DlmsSecurityException">The AARE failed a security check.</exception>
    /// <exception cref="DlmsProtocolException">The answer is not an AARE, or not one for this AARQ.</exception>
    public AssociationOutcome ReceiveAare(ReadOnlySpan<byte> apdu)
    {
        ExpectState(AssociationState.AwaitingResponse);
        if (ApduCodec.Decode(apdu) is not Aare aare)
        {
            Abort();
            throw new DlmsProtocolException(DlmsErrorReason.InvalidState, "Expected an AARE");
        }

        try
        {
            return Evaluate(aare);
        }
        catch
        {
            Abort();
            throw;
        }
    }

    /// <summary>The ACTION-Request carrying f(StoC), HLS pass 3; send it through <see cref="ProtectRequest"/>.</summary>
    public ActionRequestNormal CreateHlsReply(InvokeIdAndPriority invokeIdAndPriority)
    {
        ExpectState(AssociationState.AwaitingHlsCompletion);
        var serverTitle = ServerSystemTitle ?? throw new DlmsProtocolException(DlmsErrorReason.InvalidState, "No server system title for HLS");
        var response = _settings.Mechanism == AuthenticationMechanism.HighGmac
            ? HlsGmac.ComputeResponse(_globalCipher!, _keys!.SystemTitle, _counter!.Allocate(), _serverChallenge)
            : HlsEcdsa.ComputeClientProof(_keys!.SigningKey!, _keys.SystemTitle, serverTitle, _serverChallenge, _clientChallenge);
        return new ActionRequestNormal(invokeIdAndPriority, ReplyToHlsAuthentication, new CosemData.OctetString(response));
    }

    /// <summary>
    /// HLS pass 4: checks the server's f(CtoS) in the ACTION-Response. The association is established, or aborted
    /// with an exception when the server refused or its proof is wrong.
    /// </summary>
    /// <exception cref="DlmsSecurityException">The server's proof does not verify (AuthenticationFailed).</exception>
    public void CompleteHls(Apdu response)
    {
        ExpectState(AssociationState.AwaitingHlsCompletion);
        try
        {
            if (response is not ActionResponseNormal { SingleResponse: { Result: ActionResult.Success, ReturnParameters.Data: CosemData.OctetString proof } })
            {
                throw new DlmsSecurityException(DlmsErrorReason.AuthenticationFailed, "The server refused the HLS reply or returned no proof");
            }

            var serverTitle = ServerSystemTitle!.Value;
            bool verified;
            if (_settings.Mechanism == AuthenticationMechanism.HighGmac)
            {
                // The proof answers this association's fresh random challenge, so it cannot be a replay; its counter
                // precedes the one of the response carrying it and is deliberately not run through the counter guard.
                verified = HlsGmac.TryVerifyResponse(_globalCipher!, serverTitle, _clientChallenge, proof.Value.Span, out _);
            }
            else
            {
                verified = HlsEcdsa.VerifyServerProof(_keys!.PeerPublicKey!, serverTitle, _keys.SystemTitle, _clientChallenge, _serverChallenge, proof.Value.Span);
            }

            if (!verified)
            {
                throw new DlmsSecurityException(DlmsErrorReason.AuthenticationFailed, "The server's HLS proof does not verify");
            }

            State = AssociationState.Associated;
        }
        catch
        {
            Abort();
            throw;
        }
    }

    /// <summary>Encodes a request and protects it as the application context and policy require.</summary>
    public byte[] ProtectRequest(Apdu request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var hlsReply = State == AssociationState.AwaitingHlsCompletion && request is ActionRequestNormal { CosemMethodDescriptor: var method } && method == ReplyToHlsAuthentication;
        if (State != AssociationState.Associated && !hlsReply)
        {
            throw new InvalidOperationException($"No request can be sent while the association is {State}");
        }

        var plain = request.ToArray();
        var policy = _settings.Policy;
        if (!_settings.IsCiphered || (policy & (SecurityPolicy.AuthenticatedRequest | SecurityPolicy.EncryptedRequest)) == 0)
        {
            _lastRequestProtection = MessageProtection.None;
            return CheckSize(plain);
        }

        var control = SecurityControl.Create(
            _keys!.Suite,
            authenticated: policy.HasFlag(SecurityPolicy.AuthenticatedRequest) || !policy.HasFlag(SecurityPolicy.EncryptedRequest),
            encrypted: policy.HasFlag(SecurityPolicy.EncryptedRequest));
        var dedicated = _dedicatedCipher is not null;
        var protectedApdu = CipheredApdu.Protect(dedicated ? _dedicatedCipher! : _globalCipher!, control, _keys.SystemTitle, _counter!.Allocate(), plain, dedicated);
        _lastRequestProtection = MessageProtection.From(control, signed: false);
        return CheckSize(protectedApdu.ToArray());
    }

    /// <summary>
    /// Removes the protection from a response (or a notification) and checks it: counter strictly greater than the
    /// last accepted from this server, protection no weaker than the request's and the policy's.
    /// </summary>
    /// <exception cref="DlmsSecurityException">A replayed counter, a failed tag, a downgrade, or another sender.</exception>
    /// <exception cref="DlmsFormatException">Malformed bytes.</exception>
    public ReceivedApdu UnprotectResponse(ReadOnlySpan<byte> apdu)
    {
        if (State is AssociationState.Idle or AssociationState.Aborted)
        {
            throw new InvalidOperationException($"No response is expected while the association is {State}");
        }

        if (!SecuredApduView.TryRead(apdu, out var view))
        {
            var plain = ApduCodec.Decode(apdu);
            if (plain is ExceptionResponse or ConfirmedServiceError)
            {
                // Error reports carry no data and may come unprotected from a server that could not decipher.
                return new ReceivedApdu(plain, MessageProtection.None);
            }

            if (_settings.IsCiphered)
            {
                SecurityPolicyCheck.EnforceResponse(_settings.Policy & ResponseBits, _lastRequestProtection, MessageProtection.None);
            }

            return new ReceivedApdu(plain, MessageProtection.None);
        }

        if (!_settings.IsCiphered || _globalCipher is null)
        {
            throw new DlmsSecurityException(DlmsErrorReason.SecurityPolicyViolation, "A ciphered APDU in an association without ciphering");
        }

        var serverTitle = ServerSystemTitle ?? throw new DlmsProtocolException(DlmsErrorReason.InvalidState, "No server system title known");
        if (view.SystemTitle is { } carried && carried != serverTitle)
        {
            throw new DlmsSecurityException(DlmsErrorReason.SecurityPolicyViolation, "A ciphered response from another system title");
        }

        var dedicated = view.IsDedicated;
        var cipher = dedicated ? _dedicatedCipher ?? throw new DlmsSecurityException(DlmsErrorReason.SecurityPolicyViolation, "A ded- APDU without a dedicated key") : _globalCipher;
        var guard = dedicated ? _dedicatedCounters : _serverCounters;
        var counter = view.Header.InvocationCounter;
        if (!guard.IsFresh(serverTitle, KeyId.GlobalUnicastEncryptionKey, counter))
        {
            throw new DlmsSecurityException(DlmsErrorReason.ReplayDetected, "The server's invocation counter did not increase");
        }

        var buffer = new byte[view.CipheredContent.Length];
        if (!cipher.TryUnprotect(view.CipheredContent, serverTitle, buffer, out var written))
        {
            throw new DlmsSecurityException(DlmsErrorReason.AuthenticationFailed, "The response's authentication tag does not verify");
        }

        guard.Accept(serverTitle, KeyId.GlobalUnicastEncryptionKey, counter);
        var inner = ApduCodec.Decode(buffer.AsSpan(0, written));
        if (CipheredApduTags.IsServiceSpecificCiphered(view.Tag) && CipheredApduTags.TryGetPlainTag(view.Tag, out var plainTag) && inner.Tag != plainTag)
        {
            throw new DlmsSecurityException(DlmsErrorReason.SecurityPolicyViolation, "The ciphered APDU's tag does not match its content");
        }

        var protection = MessageProtection.From(view.Header.SecurityControl, signed: false);
        if (inner is not (ExceptionResponse or ConfirmedServiceError or DataNotification or EventNotificationRequest))
        {
            SecurityPolicyCheck.EnforceResponse(_settings.Policy & ResponseBits, _lastRequestProtection, protection);
        }

        return new ReceivedApdu(inner, protection);
    }

    /// <summary>RLRQ (reason normal); the association then waits for the RLRE.</summary>
    public byte[] CreateReleaseRequest()
    {
        ExpectState(AssociationState.Associated);
        State = AssociationState.Releasing;
        return new Rlrq { Reason = ReleaseRequestReason.Normal }.ToArray();
    }

    /// <summary>Evaluates the RLRE.</summary>
    public void ReceiveReleaseResponse(ReadOnlySpan<byte> apdu)
    {
        ExpectState(AssociationState.Releasing);
        if (ApduCodec.Decode(apdu) is not Rlre)
        {
            Abort();
            throw new DlmsProtocolException(DlmsErrorReason.InvalidState, "Expected an RLRE");
        }

        State = AssociationState.Released;
    }

    /// <summary>Abandons the association (after a link loss, or a failed check).</summary>
    public void Abort()
    {
        State = AssociationState.Aborted;
        _dedicatedCipher?.Dispose();
        _dedicatedCipher = null;
    }

    public void Dispose()
    {
        _globalCipher?.Dispose();
        _dedicatedCipher?.Dispose();
    }

    private const SecurityPolicy ResponseBits = SecurityPolicy.AuthenticatedResponse | SecurityPolicy.EncryptedResponse | SecurityPolicy.DigitallySignedResponse;

    private AssociationOutcome Evaluate(Aare aare)
    {
        if (aare.Result != AssociationResult.Accepted)
        {
            State = AssociationState.Aborted;
            return new AssociationOutcome(State, aare.Result, aare.ResultSourceDiagnostic, DecodeInitiateError(aare));
        }

        if (aare.ApplicationContextName != _settings.ApplicationContext)
        {
            throw new DlmsSecurityException(DlmsErrorReason.SecurityPolicyViolation, $"The server accepted another application context ({aare.ApplicationContextName})");
        }

        var hls = _settings.Mechanism is AuthenticationMechanism.HighGmac or AuthenticationMechanism.HighEcdsa;
        if (_settings.IsCiphered || hls)
        {
            if (aare.RespondingApTitle is not { Length: SystemTitle.Length } title)
            {
                throw new DlmsSecurityException(DlmsErrorReason.SecurityPolicyViolation, "The AARE has no 8-byte responding-AP-title");
            }

            ServerSystemTitle = SystemTitle.FromBytes(title.Span);
            if (_settings.ExpectedServerSystemTitle is { } expected && expected != ServerSystemTitle)
            {
                throw new DlmsSecurityException(DlmsErrorReason.SecurityPolicyViolation, "The AARE comes from another system title than expected");
            }
        }

        var response = DecodeInitiateResponse(aare);
        NegotiatedConformance = response.NegotiatedConformance & _settings.ProposedConformance;
        ServerMaxReceivePduSize = response.ServerMaxReceivePduSize;

        if (hls)
        {
            if (aare.MechanismName != _settings.Mechanism || aare.RespondingAuthenticationValue is not { } value
                || !HlsChallenge.IsValidLength(value.Value.Length))
            {
                throw new DlmsSecurityException(DlmsErrorReason.AuthenticationFailed, "The AARE carries no valid HLS challenge StoC");
            }

            _serverChallenge = value.Value.ToArray();
            State = AssociationState.AwaitingHlsCompletion;
        }
        else
        {
            State = AssociationState.Associated;
        }

        return new AssociationOutcome(State, aare.Result, aare.ResultSourceDiagnostic);
    }

    private InitiateResponse DecodeInitiateResponse(Aare aare)
    {
        if (aare.UserInformation is not { } userInformation)
        {
            throw new DlmsProtocolException(DlmsErrorReason.Malformed, "The accepting AARE carries no InitiateResponse");
        }

        if (!_settings.IsCiphered)
        {
            return AssociationInformation.DecodePlain(userInformation.Span) as InitiateResponse
                ?? throw new DlmsProtocolException(DlmsErrorReason.Malformed, "The AARE's user-information is not an InitiateResponse");
        }

        if (!AssociationInformation.IsCiphered(userInformation.Span))
        {
            throw new DlmsSecurityException(DlmsErrorReason.SecurityPolicyViolation, "A ciphered context was answered with a plain InitiateResponse");
        }

        var received = UnprotectResponse(userInformation.Span);
        return received.Apdu as InitiateResponse
            ?? throw new DlmsProtocolException(DlmsErrorReason.Malformed, "The AARE's user-information is not an InitiateResponse");
    }

    private ConfirmedServiceError? DecodeInitiateError(Aare aare)
    {
        if (aare.UserInformation is not { } userInformation || AssociationInformation.IsCiphered(userInformation.Span))
        {
            return null;
        }

        try
        {
            return AssociationInformation.DecodePlain(userInformation.Span) as ConfirmedServiceError;
        }
        catch (DlmsFormatException)
        {
            return null;
        }
    }

    private byte[] CheckSize(byte[] apdu)
    {
        if (ServerMaxReceivePduSize != 0 && apdu.Length > ServerMaxReceivePduSize)
        {
            throw new InvalidOperationException($"The request is {apdu.Length} bytes; the server accepts at most {ServerMaxReceivePduSize}. Use block transfer.");
        }

        return apdu;
    }

    private void ExpectState(AssociationState expected)
    {
        if (State != expected)
        {
            throw new InvalidOperationException($"The association is {State}, not {expected}");
        }
    }
}
