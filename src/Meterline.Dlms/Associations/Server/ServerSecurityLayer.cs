using System.Diagnostics.CodeAnalysis;
using Meterline.Dlms.Acse;
using Meterline.Dlms.Apdus;
using Meterline.Dlms.Axdr;
using Meterline.Dlms.Security;

namespace Meterline.Dlms.Associations.Server;

/// <summary>
/// The ciphering and signing of one server association: removes the protection of received requests (glo-/ded-
/// service-specific ciphering, general-glo/ded-ciphering and general-signing, Green Book 9.2.7.2.4-5) and applies it
/// to responses. Replay protection follows Green Book 9.2.3.3.7.3: a counter is checked for freshness before
/// anything is deciphered and recorded only after every layer has verified, so a forged or replayed message never
/// moves it. Counters of the global key live in the caller's <see cref="InvocationCounterGuard"/>, which is told of
/// every message refused for a stale counter (<see cref="InvocationCounterGuard.ReportRefused"/>) so that the meter
/// can log replays; the dedicated key is new in every association, so its counter lives here. A signature is verified
/// with the peer's public key (which a server may hold without a signing key of its own: it then verifies signed
/// requests and answers them unsigned); its transaction-id must be fresh in the caller's
/// <see cref="TransactionIdGuard"/> when one is given, and is recorded, like a counter, only once every layer has
/// verified.
/// </summary>
internal sealed class ServerSecurityLayer : IDisposable
{
    private readonly AssociationKeys _keys;
    private readonly InvocationCounterGuard _guard;
    private readonly OutgoingInvocationCounter _counter;
    private readonly AesGcmCipher _global;
    private readonly bool _acceptEncryptionOnly;
    private readonly TransactionIdGuard? _transactionIds;
    private readonly Action<SignatureRefusal>? _signatureRefused;
    private AesGcmCipher? _dedicated;
    private uint? _lastDedicatedCounter;

    public ServerSecurityLayer(
        AssociationKeys keys,
        InvocationCounterGuard guard,
        OutgoingInvocationCounter counter,
        bool acceptEncryptionOnly,
        TransactionIdGuard? transactionIds = null,
        Action<SignatureRefusal>? signatureRefused = null)
    {
        _keys = keys;
        _guard = guard;
        _counter = counter;
        _acceptEncryptionOnly = acceptEncryptionOnly;
        _transactionIds = transactionIds;
        _signatureRefused = signatureRefused;
        _global = new AesGcmCipher(keys.GlobalUnicastEncryptionKey, keys.AuthenticationKey, keys.Suite, acceptEncryptionOnly);
    }

    public SystemTitle ServerSystemTitle => _keys.SystemTitle;

    /// <summary>The cipher of the global unicast encryption key, which HLS mechanism 5 also uses.</summary>
    public AesGcmCipher GlobalCipher => _global;

    public OutgoingInvocationCounter ServerCounter => _counter;

    public InvocationCounterGuard ClientCounters => _guard;

    /// <summary>The client's system title once the association has one; the sender of every request.</summary>
    public SystemTitle? ClientSystemTitle { get; set; }

    public bool HasDedicatedKey => _dedicated is not null;

    /// <summary>True when a signature can be checked and made (suite 1 keys on both sides).</summary>
    public bool CanSign => _keys.SigningKey is not null && _keys.PeerPublicKey is not null;

    /// <summary>True when a signed request can be checked: the peer's public key is known.</summary>
    public bool CanVerify => _keys.PeerPublicKey is not null;

    /// <summary>Starts using the dedicated key of a new association, or forgets it (null).</summary>
    public void UseDedicatedKey(CipherKey? key)
    {
        _dedicated?.Dispose();
        _dedicated = key is null ? null : new AesGcmCipher(key, _keys.AuthenticationKey, _keys.Suite, _acceptEncryptionOnly);
        _lastDedicatedCounter = null;
    }

    /// <summary>
    /// Removes every layer of protection from a request. Refuses, with the ExceptionResponse the Green Book
    /// defines, a layer that does not verify, a stale counter, a repeated or mis-nested layer, general protection that
    /// was not negotiated, and a signature without ciphering (whose replay nothing would detect).
    /// </summary>
    public bool TryUnwrap(
        ReadOnlySpan<byte> apdu,
        bool generalProtection,
        [NotNullWhen(true)] out ServerInboundMessage? message,
        [NotNullWhen(false)] out ExceptionResponse? refusal)
    {
        message = null;
        if (ClientSystemTitle is not { } client)
        {
            refusal = ServerRefusals.NotAssociated;
            return false;
        }

        var current = apdu.ToArray();
        var ciphering = ServerCiphering.None;
        SecurityControl securityControl = default;
        var signed = false;
        var signatureOutside = false;
        ReadOnlyMemory<byte> transactionId = default;
        PendingCounter? pending = null;
        refusal = null;
        try
        {
            while (refusal is null && current.Length > 0)
            {
                var tag = current[0];
                if (tag == GeneralSigning.ApduTag)
                {
                    refusal = signed ? ServerRefusals.Malformed
                        : !generalProtection || !CanVerify ? ServerRefusals.NotSupported
                        : VerifySignature(current, client, out current, out transactionId);
                    signed = true;
                    signatureOutside = ciphering == ServerCiphering.None;
                }
                else if (tag == GeneralCiphering.ApduTag)
                {
                    // general-ciphering carries key agreement or a wrapped key; this association has neither.
                    refusal = ServerRefusals.NotSupported;
                }
                else if (SecuredApduView.TryRead(current, out var view))
                {
                    var general = view.Tag is GeneralGloCiphering.ApduTag or GeneralDedCiphering.ApduTag;
                    refusal = ciphering != ServerCiphering.None ? ServerRefusals.Malformed
                        : general ? (generalProtection ? null : ServerRefusals.NotSupported)
                        : IsRequestTag(view.Tag) ? null : ServerRefusals.UnknownService;
                    refusal ??= view.SystemTitle is { } sender && sender != client
                        ? ServerRefusals.DecipheringError
                        : Decipher(view.CipheredContent, view.IsDedicated, client, out current, out securityControl, ref pending);
                    ciphering = (general, view.IsDedicated) switch
                    {
                        (true, true) => ServerCiphering.GeneralDedicated,
                        (true, false) => ServerCiphering.GeneralGlobal,
                        (false, true) => ServerCiphering.Dedicated,
                        _ => ServerCiphering.Global,
                    };
                    if (!general)
                    {
                        // A service-specific ciphered APDU holds the plain APDU its tag announces, and nothing else.
                        refusal ??= HoldsPlainApdu(current, view.Tag) ? null : ServerRefusals.Malformed;
                        break;
                    }
                }
                else
                {
                    break;
                }
            }
        }
        catch (DlmsFormatException)
        {
            refusal = ServerRefusals.Malformed;
        }

        if (refusal is null && signed && ciphering == ServerCiphering.None)
        {
            refusal = ServerRefusals.NotSupported;
        }

        uint? globalCounter = null;
        uint? globalCounterBefore = null;
        if (refusal is null && pending is { } counter)
        {
            if (!counter.Dedicated)
            {
                globalCounter = counter.Value;
                globalCounterBefore = _guard.TryGetLastAccepted(client, KeyId.GlobalUnicastEncryptionKey, out var last) ? last : null;
            }

            if (!Commit(counter, client))
            {
                refusal = ServerRefusals.InvocationCounter(ExpectedCounter(counter.Dedicated, client));
            }
        }

        if (refusal is null && signed && _transactionIds is not null && !_transactionIds.TryAccept(client, transactionId.Span))
        {
            // Fresh a moment ago (VerifySignature checked it): the journal could not record it. Refused, not a replay.
            refusal = ServerRefusals.CannotProtect;
        }

        if (refusal is not null)
        {
            return false;
        }

        var protection = new ServerProtection(ciphering, securityControl, signed, signatureOutside, transactionId);
        message = new ServerInboundMessage(current, protection, globalCounter, globalCounterBefore);
        return true;
    }

    /// <summary>
    /// Deciphers the glo-initiate-request of an AARQ or RLRQ sent by <paramref name="sender"/> and records its counter.
    /// Returns the refusal when it is not a glo-initiate-request, does not verify or is stale.
    /// </summary>
    public ExceptionResponse? TryDecipherInitiate(ReadOnlySpan<byte> userInformation, SystemTitle sender, out byte[] plain, out SecurityControl securityControl)
    {
        plain = [];
        securityControl = default;
        PendingCounter? pending = null;
        try
        {
            if (userInformation.IsEmpty || userInformation[0] != CipheredApduTags.GloInitiateRequest ||
                !SecuredApduView.TryRead(userInformation, out var view))
            {
                return ServerRefusals.UnknownService;
            }

            var refusal = Decipher(view.CipheredContent, dedicated: false, sender, out plain, out securityControl, ref pending);
            if (refusal is not null)
            {
                return refusal;
            }

            if (!HoldsPlainApdu(plain, view.Tag))
            {
                return ServerRefusals.Malformed;
            }
        }
        catch (DlmsFormatException)
        {
            return ServerRefusals.Malformed;
        }

        return pending is { } counter && Commit(counter, sender) ? null : ServerRefusals.InvocationCounter(ExpectedCounter(false, sender));
    }

    /// <summary>
    /// Applies <paramref name="plan"/> to a plain response with the server's next invocation counter; null when the
    /// counter is exhausted (the keys must be renewed).
    /// </summary>
    public byte[]? Protect(byte[] plain, ServerProtection plan)
    {
        var content = plain;
        if (plan.Signed && !plan.SignatureOutside)
        {
            content = Sign(content, plan);
        }

        if (plan.IsCiphered)
        {
            if (!_counter.TryAllocate(out var invocationCounter))
            {
                return null;
            }

            var dedicated = plan.Ciphering is ServerCiphering.Dedicated or ServerCiphering.GeneralDedicated;
            var cipher = dedicated ? _dedicated! : _global;
            Apdu ciphered = plan.Ciphering switch
            {
                ServerCiphering.Global or ServerCiphering.Dedicated =>
                    CipheredApdu.Protect(cipher, plan.SecurityControl, _keys.SystemTitle, invocationCounter, content, dedicated),
                ServerCiphering.GeneralGlobal =>
                    GeneralGloCiphering.Protect(cipher, plan.SecurityControl, _keys.SystemTitle, invocationCounter, content),
                _ => GeneralDedCiphering.Protect(cipher, plan.SecurityControl, _keys.SystemTitle, invocationCounter, content),
            };
            content = ciphered.ToArray();
        }

        if (plan.Signed && plan.SignatureOutside)
        {
            content = Sign(content, plan);
        }

        return content;
    }

    /// <summary>The length of a plain APDU of <paramref name="plainLength"/> bytes once <paramref name="plan"/> is applied.</summary>
    public int GetProtectedLength(int plainLength, ServerProtection plan)
    {
        var length = plainLength;
        if (plan.Signed && !plan.SignatureOutside)
        {
            length = GetSignedLength(length, plan);
        }

        if (plan.IsCiphered)
        {
            var content = AesGcmCipher.GetProtectedLength(plan.SecurityControl, length);
            var systemTitleField = plan.Ciphering is ServerCiphering.GeneralGlobal or ServerCiphering.GeneralDedicated ? 1 + SystemTitle.Length : 0;
            length = 1 + systemTitleField + AxdrWriter.GetLengthSize(content) + content;
        }

        if (plan.Signed && plan.SignatureOutside)
        {
            length = GetSignedLength(length, plan);
        }

        return length;
    }

    /// <summary>
    /// The longest plain APDU that still fits <paramref name="maxPduSize"/> once protected (0: no limit); 0 or less
    /// when not even an empty one fits.
    /// </summary>
    public int GetMaxPlainLength(ushort maxPduSize, ServerProtection plan)
    {
        if (maxPduSize == 0)
        {
            return int.MaxValue;
        }

        // The protected length grows at least as fast as the plain length, so stepping back by the excess converges.
        var plain = (int)maxPduSize;
        while (plain > 0)
        {
            var excess = GetProtectedLength(plain, plan) - maxPduSize;
            if (excess <= 0)
            {
                return plain;
            }

            plain -= excess;
        }

        return plain;
    }

    public void Dispose()
    {
        _global.Dispose();
        _dedicated?.Dispose();
        _dedicated = null;
    }

    private static int GetSignedLength(int contentLength, ServerProtection plan) =>
        OctetStringLength(plan.TransactionId.Length) + (2 * OctetStringLength(SystemTitle.Length)) + (2 * OctetStringLength(0)) +
        OctetStringLength(contentLength) + OctetStringLength(EcdsaP256.SignatureLength) + 1;

    private static int OctetStringLength(int length) => AxdrWriter.GetLengthSize(length) + length;

    private ExceptionResponse? VerifySignature(byte[] apdu, SystemTitle client, out byte[] content, out ReadOnlyMemory<byte> transactionId)
    {
        var reader = new AxdrReader(apdu);
        var signing = GeneralSigning.Read(ref reader);
        reader.EnsureAtEnd();
        content = signing.Content.ToArray();
        transactionId = signing.TransactionId;
        if (signing.OriginatorSystemTitle != client || (signing.RecipientSystemTitle is { } recipient && recipient != _keys.SystemTitle)
            || !signing.VerifySignature(_keys.PeerPublicKey!))
        {
            return RefuseSignature(SignatureRefusal.Invalid);
        }

        // Checked once the signature verifies, so that only the signer's own requests count as replays.
        if (_transactionIds is null)
        {
            return null;
        }

        return !TransactionIdGuard.TryRead(transactionId.Span, out _) ? RefuseSignature(SignatureRefusal.Invalid)
            : _transactionIds.IsFresh(client, transactionId.Span) ? null
            : RefuseSignature(SignatureRefusal.Replayed);
    }

    private ExceptionResponse RefuseSignature(SignatureRefusal reason)
    {
        _signatureRefused?.Invoke(reason);
        return ServerRefusals.DecipheringError;
    }

    private static bool IsRequestTag(byte cipheredTag) =>
        CipheredApduTags.TryGetPlainTag(cipheredTag, out var plainTag) &&
        plainTag is ApduTag.GetRequest or ApduTag.SetRequest or ApduTag.ActionRequest;

    private static bool HoldsPlainApdu(byte[] plain, byte cipheredTag) =>
        CipheredApduTags.TryGetPlainTag(cipheredTag, out var plainTag) && plain.Length > 0 && plain[0] == plainTag;

    private ExceptionResponse? Decipher(
        ReadOnlySpan<byte> content,
        bool dedicated,
        SystemTitle sender,
        out byte[] plain,
        out SecurityControl securityControl,
        ref PendingCounter? pending)
    {
        plain = [];
        securityControl = default;
        if (!SecurityHeader.TryDecode(content, out var header, out _))
        {
            return ServerRefusals.Malformed;
        }

        securityControl = header.SecurityControl;
        var cipher = dedicated ? _dedicated : _global;
        if (cipher is null || securityControl.UsesBroadcastKey)
        {
            return ServerRefusals.DecipheringError;
        }

        if (!IsFresh(dedicated, sender, header.InvocationCounter))
        {
            if (!dedicated)
            {
                _guard.ReportRefused(sender, KeyId.GlobalUnicastEncryptionKey, header.InvocationCounter);
            }

            return ServerRefusals.InvocationCounter(ExpectedCounter(dedicated, sender));
        }

        try
        {
            plain = new byte[AesGcmCipher.GetPlaintextLength(content)];
            if (!cipher.TryUnprotect(content, sender, plain, out _))
            {
                return ServerRefusals.DecipheringError;
            }
        }
        catch (DlmsException)
        {
            // Truncated content, a reserved or foreign suite, compression, or encryption without authentication
            // where the policy does not allow it.
            return ServerRefusals.DecipheringError;
        }

        pending = new PendingCounter(dedicated, header.InvocationCounter);
        return null;
    }

    private bool IsFresh(bool dedicated, SystemTitle sender, uint invocationCounter) => dedicated
        ? _lastDedicatedCounter is not { } last || invocationCounter > last
        : _guard.IsFresh(sender, KeyId.GlobalUnicastEncryptionKey, invocationCounter);

    private bool Commit(PendingCounter counter, SystemTitle sender)
    {
        if (!counter.Dedicated)
        {
            if (_guard.TryAccept(sender, KeyId.GlobalUnicastEncryptionKey, counter.Value))
            {
                return true;
            }

            if (!_guard.IsFresh(sender, KeyId.GlobalUnicastEncryptionKey, counter.Value))
            {
                // Another association of the same sender took the counter since it was checked: a replay all the same.
                _guard.ReportRefused(sender, KeyId.GlobalUnicastEncryptionKey, counter.Value);
            }

            return false;
        }

        if (!IsFresh(dedicated: true, sender, counter.Value))
        {
            return false;
        }

        _lastDedicatedCounter = counter.Value;
        return true;
    }

    private uint ExpectedCounter(bool dedicated, SystemTitle sender)
    {
        uint? last = dedicated ? _lastDedicatedCounter
            : _guard.TryGetLastAccepted(sender, KeyId.GlobalUnicastEncryptionKey, out var accepted) ? accepted : null;
        return last is { } value ? (value == uint.MaxValue ? value : value + 1) : 0;
    }

    private byte[] Sign(byte[] content, ServerProtection plan) =>
        GeneralSigning.Sign(
            _keys.SigningKey!,
            plan.TransactionId,
            _keys.SystemTitle,
            ClientSystemTitle,
            ReadOnlyMemory<byte>.Empty,
            ReadOnlyMemory<byte>.Empty,
            content).ToArray();

    private readonly record struct PendingCounter(bool Dedicated, uint Value);
}
