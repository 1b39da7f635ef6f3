using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Meterline.Dlms.Security;

/// <summary>
/// HLS authentication mechanism 5, GMAC (Green Book 9.2.7.4, Table 42): f(challenge) = SC ‖ IC ‖ GMAC tag, where
/// SC = 0x10 (authentication only, suite id in bits 0-3), IV = the responder's own system title ‖ IC, the AAD is
/// SC ‖ AK ‖ challenge and the tag is 12 bytes. Pass 3: the client answers StoC; pass 4: the server answers CtoS.
/// </summary>
public static class HlsGmac
{
    /// <summary>Length of f(challenge): SC, 4-byte IC and a 12-byte tag.</summary>
    public const int ResponseLength = SecurityHeader.Length + AesGcmCipher.TagLength;

    /// <summary>Computes f(<paramref name="challenge"/>) with the responder's own system title and invocation counter.</summary>
    public static byte[] ComputeResponse(AesGcmCipher cipher, SystemTitle ownSystemTitle, uint invocationCounter, ReadOnlySpan<byte> challenge)
    {
        ArgumentNullException.ThrowIfNull(cipher);
        var securityControl = SecurityControl.Create(cipher.Suite, authenticated: true, encrypted: false);
        var response = new byte[ResponseLength];
        new SecurityHeader(securityControl, invocationCounter).Encode(response);
        cipher.ComputeTag(securityControl, ownSystemTitle, invocationCounter, challenge, response.AsSpan(SecurityHeader.Length));
        return response;
    }

    /// <summary>
    /// Checks the peer's f(<paramref name="challenge"/>): exactly 17 bytes, SC 0x10 with this cipher's suite, and a
    /// tag that matches in fixed time. <paramref name="invocationCounter"/> is the peer's IC, to be checked for replay.
    /// </summary>
    public static bool TryVerifyResponse(
        AesGcmCipher cipher,
        SystemTitle peerSystemTitle,
        ReadOnlySpan<byte> challenge,
        ReadOnlySpan<byte> response,
        out uint invocationCounter)
    {
        ArgumentNullException.ThrowIfNull(cipher);
        invocationCounter = 0;
        var expectedControl = SecurityControl.Create(cipher.Suite, authenticated: true, encrypted: false);
        if (response.Length != ResponseLength || response[0] != expectedControl.Value)
        {
            return false;
        }

        var counter = BinaryPrimitives.ReadUInt32BigEndian(response[1..]);
        Span<byte> expected = stackalloc byte[AesGcmCipher.TagLength];
        cipher.ComputeTag(expectedControl, peerSystemTitle, counter, challenge, expected);
        if (!CryptographicOperations.FixedTimeEquals(expected, response[SecurityHeader.Length..]))
        {
            return false;
        }

        invocationCounter = counter;
        return true;
    }

    /// <summary>As <see cref="TryVerifyResponse"/>, returning the peer's IC or throwing.</summary>
    /// <exception cref="DlmsSecurityException"><see cref="DlmsErrorReason.AuthenticationFailed"/>.</exception>
    public static uint VerifyResponse(AesGcmCipher cipher, SystemTitle peerSystemTitle, ReadOnlySpan<byte> challenge, ReadOnlySpan<byte> response)
    {
        if (!TryVerifyResponse(cipher, peerSystemTitle, challenge, response, out var invocationCounter))
        {
            throw new DlmsSecurityException(DlmsErrorReason.AuthenticationFailed, "HLS GMAC response does not verify");
        }

        return invocationCounter;
    }
}
