using System.Security.Cryptography;

namespace Meterline.Dlms.Security;

/// <summary>
/// The NIST SP 800-56A Rev. 2 concatenation KDF (5.8.1.1) as DLMS/COSEM uses it for security suite 1
/// (Green Book 9.2.3.4.6.5, Tables 17 and 18): SHA-256, keydatalen 128 bits, one hash round:
/// key = leftmost 128 bits of SHA-256(00000001 ‖ Z ‖ OtherInfo), where
/// OtherInfo = AlgorithmID ‖ PartyUInfo ‖ PartyVInfo (SuppPubInfo and SuppPrivInfo are not used),
/// AlgorithmID = the 7-byte BER encoding of the COSEM cryptographic algorithm id (60 85 74 05 08 03 x),
/// PartyUInfo = ID_U (8-byte system title of party U), followed for C(0e, 2s) by Nonce_U = Datalen (1 byte,
/// the length of the transaction-id) ‖ Data (the transaction-id), and PartyVInfo = ID_V (system title of party V).
/// </summary>
/// <remarks>
/// Green Book Table 18 prints the AlgorithmID with 06 for the DLMS-UA arc; the BER encoding of the OID (and the
/// Gurux stacks) have 05, as in every other DLMS-UA OID (mechanism and context names), and that is used here.
/// </remarks>
public static class ConcatenationKdf
{
    /// <summary>Length of the AlgorithmID substring.</summary>
    public const int AlgorithmIdLength = 7;

    private const int DerivedKeyLength = CipherKey.Length;

    /// <summary>Assembles OtherInfo. <paramref name="nonceU"/> is empty except for C(0e, 2s).</summary>
    public static byte[] BuildOtherInfo(
        CryptographicAlgorithmId algorithmId,
        SystemTitle partyU,
        SystemTitle partyV,
        ReadOnlySpan<byte> nonceU)
    {
        if (nonceU.Length > byte.MaxValue)
        {
            throw new ArgumentException("Nonce_U is at most 255 bytes (one length byte)", nameof(nonceU));
        }

        var otherInfo = new byte[AlgorithmIdLength + SystemTitle.Length + (nonceU.IsEmpty ? 0 : 1 + nonceU.Length) + SystemTitle.Length];
        var span = otherInfo.AsSpan();
        // 2.16.756.5.8.3.x: 2*40+16 = 0x60, 756 = 0x85 0x74, 5, 8, 3, x.
        ReadOnlySpan<byte> oidPrefix = [0x60, 0x85, 0x74, 0x05, 0x08, 0x03];
        oidPrefix.CopyTo(span);
        span[6] = (byte)algorithmId;
        span = span[AlgorithmIdLength..];
        partyU.Encode(span);
        span = span[SystemTitle.Length..];
        if (!nonceU.IsEmpty)
        {
            span[0] = (byte)nonceU.Length;
            nonceU.CopyTo(span[1..]);
            span = span[(1 + nonceU.Length)..];
        }

        partyV.Encode(span);
        return otherInfo;
    }

    /// <summary>Derives a 128-bit key from the shared secret Z.</summary>
    /// <exception cref="DlmsSecurityException">A 256-bit algorithm (suite 2) was requested (<see cref="DlmsErrorReason.Unsupported"/>).</exception>
    public static CipherKey DeriveKey(
        ReadOnlySpan<byte> sharedSecret,
        CryptographicAlgorithmId algorithmId,
        SystemTitle partyU,
        SystemTitle partyV,
        ReadOnlySpan<byte> nonceU)
    {
        if (algorithmId is not (CryptographicAlgorithmId.AesGcm128 or CryptographicAlgorithmId.AesWrap128))
        {
            throw new DlmsSecurityException(DlmsErrorReason.Unsupported, "Only 128-bit keys (security suite 1) are supported");
        }

        if (sharedSecret.IsEmpty)
        {
            throw new ArgumentException("The shared secret is empty", nameof(sharedSecret));
        }

        var otherInfo = BuildOtherInfo(algorithmId, partyU, partyV, nonceU);
        var input = new byte[4 + sharedSecret.Length + otherInfo.Length];
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        try
        {
            input[3] = 1; // counter 00000001: keydatalen 128 <= hashlen 256, so one round
            sharedSecret.CopyTo(input.AsSpan(4));
            otherInfo.CopyTo(input.AsSpan(4 + sharedSecret.Length));
            SHA256.HashData(input, digest);
            return CipherKey.FromBytes(digest[..DerivedKeyLength]);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(input);
            CryptographicOperations.ZeroMemory(digest);
        }
    }
}
