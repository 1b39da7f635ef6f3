using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Meterline.Dlms.Security;

/// <summary>
/// AES-GCM-128 ciphering of xDLMS APDUs for security suites 0 and 1 (Green Book 9.2.3.3.7 and 9.2.7.2.4,
/// Tables 38 and 39), with one block cipher key (global unicast, global broadcast or dedicated) and the
/// authentication key. It protects and unprotects the ciphered content SC ‖ IC ‖ … :
/// <list type="bullet">
/// <item>authentication only (SC bit 4): AAD = SC ‖ AK ‖ APDU, content = SC ‖ IC ‖ APDU ‖ T;</item>
/// <item>encryption only (SC bit 5): no AAD, content = SC ‖ IC ‖ C;</item>
/// <item>authenticated encryption (both): AAD = SC ‖ AK, content = SC ‖ IC ‖ C ‖ T;</item>
/// </list>
/// with IV = sender system title ‖ IC and a 12-byte tag T. For general-ciphering the A-XDR encoded
/// transaction-id … other-information fields follow AK in the AAD (<c>authenticatedFields</c>).
/// </summary>
/// <remarks>
/// One instance caches one <see cref="AesGcm"/> (the expanded key schedule) and is meant to live as long as the key.
/// It is thread-safe: calls are serialised with a lock that costs far less than the cipher itself. Create one
/// instance per key and per thread group if many threads share one key. Dispose it when the key is retired.
/// </remarks>
public sealed class AesGcmCipher : IDisposable
{
    /// <summary>Authentication tag length used by DLMS/COSEM (96 bits).</summary>
    public const int TagLength = 12;

    private const int NonceLength = 12;
    private const int AadPrefixLength = 1 + CipherKey.Length;
    private const int StackLimit = 256;

    private readonly AesGcm _gcm;
    private readonly byte[] _authenticationKey;
    private readonly Lock _sync = new();
    private bool _disposed;

    /// <param name="encryptionKey">The block cipher key (EK): global unicast, global broadcast or dedicated.</param>
    /// <param name="authenticationKey">The authentication key (AK), part of the AAD.</param>
    /// <param name="suite">Suite 0 or 1; both use AES-GCM-128. Suite 2 is refused.</param>
    /// <param name="acceptEncryptionOnly">
    /// Whether received content protected by encryption only (SC bit 5 without bit 4) is accepted. It carries no tag,
    /// so anyone can alter it, and clearing bit 4 of an authenticated message would otherwise downgrade it to that;
    /// it is refused unless the security policy really is "encrypted, not authenticated".
    /// </param>
    public AesGcmCipher(
        CipherKey encryptionKey,
        CipherKey authenticationKey,
        SecuritySuite suite = SecuritySuite.AesGcm128,
        bool acceptEncryptionOnly = false)
    {
        ArgumentNullException.ThrowIfNull(encryptionKey);
        ArgumentNullException.ThrowIfNull(authenticationKey);
        if (suite is not (SecuritySuite.AesGcm128 or SecuritySuite.EcdhEcdsaAesGcm128Sha256))
        {
            throw new DlmsSecurityException(DlmsErrorReason.Unsupported, $"Security suite {(int)suite} is not supported");
        }

        Suite = suite;
        AcceptsEncryptionOnly = acceptEncryptionOnly;
        _gcm = new AesGcm(encryptionKey.Span, TagLength);
        _authenticationKey = authenticationKey.Span.ToArray();
    }

    /// <summary>The suite whose id this cipher writes and accepts in the security control byte.</summary>
    public SecuritySuite Suite { get; }

    /// <summary>Whether received encryption-only content (no authentication tag) is accepted.</summary>
    public bool AcceptsEncryptionOnly { get; }

    /// <summary>Length of the ciphered content for a plaintext of <paramref name="plaintextLength"/> bytes.</summary>
    public static int GetProtectedLength(SecurityControl securityControl, int plaintextLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(plaintextLength);
        return SecurityHeader.Length + plaintextLength + (securityControl.IsAuthenticated ? TagLength : 0);
    }

    /// <summary>
    /// Length of the plaintext that <see cref="TryUnprotect(ReadOnlySpan{byte}, SystemTitle, Span{byte}, out int)"/>
    /// will write for this ciphered content.
    /// </summary>
    /// <exception cref="DlmsFormatException">The content is too short for its security control byte.</exception>
    public static int GetPlaintextLength(ReadOnlySpan<byte> cipheredContent)
    {
        var header = SecurityHeader.Decode(cipheredContent, out _);
        var length = cipheredContent.Length - SecurityHeader.Length - (header.SecurityControl.IsAuthenticated ? TagLength : 0);
        if (length < 0)
        {
            throw new DlmsFormatException(
                DlmsErrorReason.Truncated,
                cipheredContent.Length,
                "Ciphered content is too short for a 12-byte authentication tag");
        }

        return length;
    }

    /// <summary>Protects <paramref name="plaintext"/> and returns SC ‖ IC ‖ … as a new array.</summary>
    public byte[] Protect(SecurityControl securityControl, SystemTitle sender, uint invocationCounter, ReadOnlySpan<byte> plaintext) =>
        Protect(securityControl, sender, invocationCounter, plaintext, default);

    /// <summary>
    /// Protects <paramref name="plaintext"/> with <paramref name="authenticatedFields"/> after AK in the AAD
    /// (general-ciphering), and returns SC ‖ IC ‖ … as a new array.
    /// </summary>
    public byte[] Protect(
        SecurityControl securityControl,
        SystemTitle sender,
        uint invocationCounter,
        ReadOnlySpan<byte> plaintext,
        ReadOnlySpan<byte> authenticatedFields)
    {
        var result = new byte[GetProtectedLength(securityControl, plaintext.Length)];
        TryProtect(securityControl, sender, invocationCounter, plaintext, authenticatedFields, result, out _);
        return result;
    }

    /// <summary>
    /// Protects <paramref name="plaintext"/> into <paramref name="destination"/> (SC ‖ IC ‖ …). Returns false, writing
    /// nothing, when the destination is shorter than <see cref="GetProtectedLength"/>. The two buffers must not overlap.
    /// </summary>
    /// <exception cref="ArgumentException">The security control applies no protection or names another suite.</exception>
    /// <exception cref="DlmsSecurityException">Compression was requested (<see cref="DlmsErrorReason.Unsupported"/>).</exception>
    public bool TryProtect(
        SecurityControl securityControl,
        SystemTitle sender,
        uint invocationCounter,
        ReadOnlySpan<byte> plaintext,
        ReadOnlySpan<byte> authenticatedFields,
        Span<byte> destination,
        out int bytesWritten)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!securityControl.IsProtected)
        {
            throw new ArgumentException("The security control byte must request authentication and/or encryption", nameof(securityControl));
        }

        if (securityControl.IsCompressed)
        {
            throw new DlmsSecurityException(DlmsErrorReason.Unsupported, "Compression is not supported");
        }

        if (securityControl.SuiteId != (int)Suite)
        {
            throw new ArgumentException($"The security control byte names suite {securityControl.SuiteId}, this key is for suite {(int)Suite}", nameof(securityControl));
        }

        var length = GetProtectedLength(securityControl, plaintext.Length);
        if (destination.Length < length)
        {
            bytesWritten = 0;
            return false;
        }

        new SecurityHeader(securityControl, invocationCounter).Encode(destination);
        Span<byte> nonce = stackalloc byte[NonceLength];
        WriteNonce(nonce, sender, invocationCounter);
        var body = destination[SecurityHeader.Length..length];

        if (!securityControl.IsEncrypted)
        {
            plaintext.CopyTo(body);
            ComputeTagCore(securityControl.Value, nonce, authenticatedFields, plaintext, body[plaintext.Length..]);
        }
        else if (!securityControl.IsAuthenticated)
        {
            Span<byte> unusedTag = stackalloc byte[TagLength];
            lock (_sync)
            {
                _gcm.Encrypt(nonce, plaintext, body, unusedTag);
            }
        }
        else
        {
            EncryptAuthenticated(securityControl.Value, nonce, authenticatedFields, plaintext, body);
        }

        bytesWritten = length;
        return true;
    }

    /// <summary>
    /// Checks and removes the protection of SC ‖ IC ‖ … sent by <paramref name="sender"/> into
    /// <paramref name="destination"/>, which must not overlap the content. Returns false, writing nothing, when the
    /// authentication tag does not verify; throws for content that cannot be processed at all. Check the invocation
    /// counter (<see cref="SecurityHeader"/>, <see cref="InvocationCounterGuard.IsFresh"/>) before calling this, and
    /// record it only after this returns true.
    /// </summary>
    /// <exception cref="DlmsFormatException">Truncated content or a reserved suite id or no protection applied.</exception>
    /// <exception cref="DlmsSecurityException">
    /// Compression or suite 2 (<see cref="DlmsErrorReason.Unsupported"/>), a suite other than this key's, or
    /// encryption only when <see cref="AcceptsEncryptionOnly"/> is false (<see cref="DlmsErrorReason.SecurityPolicyViolation"/>).
    /// </exception>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <see cref="GetPlaintextLength"/>.</exception>
    public bool TryUnprotect(ReadOnlySpan<byte> cipheredContent, SystemTitle sender, Span<byte> destination, out int bytesWritten) =>
        TryUnprotect(cipheredContent, sender, default, destination, out bytesWritten);

    /// <summary>
    /// As <see cref="TryUnprotect(ReadOnlySpan{byte}, SystemTitle, Span{byte}, out int)"/>, with
    /// <paramref name="authenticatedFields"/> after AK in the AAD (general-ciphering).
    /// </summary>
    public bool TryUnprotect(
        ReadOnlySpan<byte> cipheredContent,
        SystemTitle sender,
        ReadOnlySpan<byte> authenticatedFields,
        Span<byte> destination,
        out int bytesWritten)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var securityControl = CheckReceivedHeader(cipheredContent, out var invocationCounter);
        var plaintextLength = GetPlaintextLength(cipheredContent);
        if (destination.Length < plaintextLength)
        {
            throw new ArgumentException("Destination is too small for the plaintext", nameof(destination));
        }

        Span<byte> nonce = stackalloc byte[NonceLength];
        WriteNonce(nonce, sender, invocationCounter);
        var body = cipheredContent[SecurityHeader.Length..];
        var output = destination[..plaintextLength];

        if (!securityControl.IsEncrypted)
        {
            var apdu = body[..plaintextLength];
            Span<byte> expected = stackalloc byte[TagLength];
            ComputeTagCore(securityControl.Value, nonce, authenticatedFields, apdu, expected);
            if (!CryptographicOperations.FixedTimeEquals(expected, body[plaintextLength..]))
            {
                bytesWritten = 0;
                return false;
            }

            apdu.CopyTo(output);
        }
        else if (!securityControl.IsAuthenticated)
        {
            // Encryption only: GCM without the tag is AES-CTR from counter block IV ‖ 00000002, which is its own
            // inverse, so running the encryption over the ciphertext yields the plaintext (the tag is discarded).
            Span<byte> unusedTag = stackalloc byte[TagLength];
            lock (_sync)
            {
                _gcm.Encrypt(nonce, body, output, unusedTag);
            }
        }
        else if (!DecryptAuthenticated(securityControl.Value, nonce, authenticatedFields, body[..plaintextLength], body[plaintextLength..], output))
        {
            bytesWritten = 0;
            return false;
        }

        bytesWritten = plaintextLength;
        return true;
    }

    /// <summary>Checks and removes the protection, returning the plaintext APDU.</summary>
    /// <exception cref="DlmsSecurityException">The tag does not verify (<see cref="DlmsErrorReason.AuthenticationFailed"/>).</exception>
    public byte[] Unprotect(ReadOnlySpan<byte> cipheredContent, SystemTitle sender) =>
        Unprotect(cipheredContent, sender, default);

    /// <summary>Checks and removes the protection (general-ciphering AAD fields included), returning the plaintext.</summary>
    /// <exception cref="DlmsSecurityException">The tag does not verify (<see cref="DlmsErrorReason.AuthenticationFailed"/>).</exception>
    public byte[] Unprotect(ReadOnlySpan<byte> cipheredContent, SystemTitle sender, ReadOnlySpan<byte> authenticatedFields)
    {
        var result = new byte[GetPlaintextLength(cipheredContent)];
        if (!TryUnprotect(cipheredContent, sender, authenticatedFields, result, out _))
        {
            throw new DlmsSecurityException(DlmsErrorReason.AuthenticationFailed, "Authentication tag does not verify");
        }

        return result;
    }

    /// <summary>Zeroes the cached authentication key and releases the AES-GCM key schedule.</summary>
    public void Dispose()
    {
        lock (_sync)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            CryptographicOperations.ZeroMemory(_authenticationKey);
            _gcm.Dispose();
        }
    }

    /// <summary>
    /// GMAC tag over SC ‖ AK ‖ <paramref name="authenticatedFields"/> ‖ <paramref name="data"/> with IV = system title ‖ IC,
    /// as for authentication-only protection (used by HLS mechanism 5).
    /// </summary>
    internal void ComputeTag(
        SecurityControl securityControl,
        SystemTitle systemTitle,
        uint invocationCounter,
        ReadOnlySpan<byte> data,
        Span<byte> tag)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Span<byte> nonce = stackalloc byte[NonceLength];
        WriteNonce(nonce, systemTitle, invocationCounter);
        ComputeTagCore(securityControl.Value, nonce, default, data, tag);
    }

    private static void WriteNonce(Span<byte> nonce, SystemTitle systemTitle, uint invocationCounter)
    {
        BinaryPrimitives.WriteUInt64BigEndian(nonce, systemTitle.Value);
        BinaryPrimitives.WriteUInt32BigEndian(nonce[SystemTitle.Length..], invocationCounter);
    }

    private SecurityControl CheckReceivedHeader(ReadOnlySpan<byte> cipheredContent, out uint invocationCounter)
    {
        var header = SecurityHeader.Decode(cipheredContent, out _);
        var securityControl = header.SecurityControl;
        invocationCounter = header.InvocationCounter;
        if (!securityControl.IsDefinedSuite)
        {
            throw new DlmsFormatException(DlmsErrorReason.Malformed, 0, $"Security suite id {securityControl.SuiteId} is reserved");
        }

        if (securityControl.Suite == SecuritySuite.EcdhEcdsaAesGcm256Sha384)
        {
            throw new DlmsSecurityException(DlmsErrorReason.Unsupported, "Security suite 2 is not supported");
        }

        if (securityControl.IsCompressed)
        {
            throw new DlmsSecurityException(DlmsErrorReason.Unsupported, "Compressed ciphered content is not supported");
        }

        if (securityControl.Suite != Suite)
        {
            throw new DlmsSecurityException(
                DlmsErrorReason.SecurityPolicyViolation,
                $"Ciphered content names suite {securityControl.SuiteId}, the key is for suite {(int)Suite}");
        }

        if (!securityControl.IsProtected)
        {
            throw new DlmsFormatException(DlmsErrorReason.Malformed, 0, "Security control byte applies no protection");
        }

        if (!securityControl.IsAuthenticated && !AcceptsEncryptionOnly)
        {
            throw new DlmsSecurityException(
                DlmsErrorReason.SecurityPolicyViolation,
                "Ciphered content without authentication is refused");
        }

        return securityControl;
    }

    private void ComputeTagCore(byte securityControl, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> fields, ReadOnlySpan<byte> data, Span<byte> tag) =>
        RunGcm(GcmOperation.Tag, securityControl, nonce, fields, data, default, default, tag[..TagLength]);

    private void EncryptAuthenticated(byte securityControl, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> fields, ReadOnlySpan<byte> plaintext, Span<byte> body) =>
        RunGcm(GcmOperation.Encrypt, securityControl, nonce, fields, plaintext, default, body[..plaintext.Length], body[plaintext.Length..]);

    private bool DecryptAuthenticated(
        byte securityControl,
        ReadOnlySpan<byte> nonce,
        ReadOnlySpan<byte> fields,
        ReadOnlySpan<byte> ciphertext,
        ReadOnlySpan<byte> tag,
        Span<byte> plaintext) =>
        RunGcm(GcmOperation.Decrypt, securityControl, nonce, fields, ciphertext, tag, plaintext, default);

    /// <summary>
    /// Builds the AAD SC ‖ AK ‖ fields (‖ data, when only a tag is computed) on the stack or in a pooled buffer, runs one
    /// GCM operation under the lock, and zeroes the AAD (it holds AK). False only when decryption finds a wrong tag.
    /// </summary>
    private bool RunGcm(
        GcmOperation operation,
        byte securityControl,
        ReadOnlySpan<byte> nonce,
        ReadOnlySpan<byte> fields,
        ReadOnlySpan<byte> input,
        ReadOnlySpan<byte> receivedTag,
        Span<byte> output,
        Span<byte> tag)
    {
        var authenticatedInput = operation == GcmOperation.Tag ? input : default;
        var length = AadPrefixLength + fields.Length + authenticatedInput.Length;
        byte[]? rented = null;
        var aad = length <= StackLimit ? stackalloc byte[length] : (rented = ArrayPool<byte>.Shared.Rent(length));
        aad = aad[..length];
        try
        {
            aad[0] = securityControl;
            _authenticationKey.CopyTo(aad[1..]);
            fields.CopyTo(aad[AadPrefixLength..]);
            authenticatedInput.CopyTo(aad[(AadPrefixLength + fields.Length)..]);
            lock (_sync)
            {
                switch (operation)
                {
                    case GcmOperation.Tag:
                        _gcm.Encrypt(nonce, ReadOnlySpan<byte>.Empty, Span<byte>.Empty, tag, aad);
                        break;
                    case GcmOperation.Encrypt:
                        _gcm.Encrypt(nonce, input, output, tag, aad);
                        break;
                    default:
                        _gcm.Decrypt(nonce, input, receivedTag, output, aad);
                        break;
                }
            }

            return true;
        }
        catch (AuthenticationTagMismatchException) when (operation == GcmOperation.Decrypt)
        {
            // AesGcm has already cleared the plaintext.
            return false;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(aad);
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private enum GcmOperation
    {
        Tag,
        Encrypt,
        Decrypt,
    }
}
