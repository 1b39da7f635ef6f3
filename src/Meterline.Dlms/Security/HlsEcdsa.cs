using System.Security.Cryptography;

namespace Meterline.Dlms.Security;

/// <summary>
/// HLS authentication mechanism 7, ECDSA P-256 / SHA-256 (Green Book 9.2.7.4, Table 42):
/// pass 3, the client signs SystemTitle-C ‖ SystemTitle-S ‖ StoC ‖ CtoS with its signature key;
/// pass 4, the server signs SystemTitle-S ‖ SystemTitle-C ‖ CtoS ‖ StoC. The order of the titles and challenges is
/// swapped between the passes, so neither proof can be replayed as the other.
/// </summary>
public static class HlsEcdsa
{
    /// <summary>Pass 3: the client's f(StoC).</summary>
    public static byte[] ComputeClientProof(
        ECDsa clientPrivateKey,
        SystemTitle clientSystemTitle,
        SystemTitle serverSystemTitle,
        ReadOnlySpan<byte> serverToClientChallenge,
        ReadOnlySpan<byte> clientToServerChallenge) =>
        EcdsaP256.Sign(
            clientPrivateKey,
            Concatenate(clientSystemTitle, serverSystemTitle, serverToClientChallenge, clientToServerChallenge));

    /// <summary>Pass 3 at the server: checks the client's f(StoC) with the client's public key.</summary>
    public static bool VerifyClientProof(
        ECDsa clientPublicKey,
        SystemTitle clientSystemTitle,
        SystemTitle serverSystemTitle,
        ReadOnlySpan<byte> serverToClientChallenge,
        ReadOnlySpan<byte> clientToServerChallenge,
        ReadOnlySpan<byte> proof) =>
        EcdsaP256.Verify(
            clientPublicKey,
            Concatenate(clientSystemTitle, serverSystemTitle, serverToClientChallenge, clientToServerChallenge),
            proof);

    /// <summary>Pass 4: the server's f(CtoS).</summary>
    public static byte[] ComputeServerProof(
        ECDsa serverPrivateKey,
        SystemTitle serverSystemTitle,
        SystemTitle clientSystemTitle,
        ReadOnlySpan<byte> clientToServerChallenge,
        ReadOnlySpan<byte> serverToClientChallenge) =>
        EcdsaP256.Sign(
            serverPrivateKey,
            Concatenate(serverSystemTitle, clientSystemTitle, clientToServerChallenge, serverToClientChallenge));

    /// <summary>Pass 4 at the client: checks the server's f(CtoS) with the server's public key.</summary>
    public static bool VerifyServerProof(
        ECDsa serverPublicKey,
        SystemTitle serverSystemTitle,
        SystemTitle clientSystemTitle,
        ReadOnlySpan<byte> clientToServerChallenge,
        ReadOnlySpan<byte> serverToClientChallenge,
        ReadOnlySpan<byte> proof) =>
        EcdsaP256.Verify(
            serverPublicKey,
            Concatenate(serverSystemTitle, clientSystemTitle, clientToServerChallenge, serverToClientChallenge),
            proof);

    private static byte[] Concatenate(SystemTitle first, SystemTitle second, ReadOnlySpan<byte> challenge1, ReadOnlySpan<byte> challenge2)
    {
        var data = new byte[(2 * SystemTitle.Length) + challenge1.Length + challenge2.Length];
        var span = data.AsSpan();
        first.Encode(span);
        second.Encode(span[SystemTitle.Length..]);
        challenge1.CopyTo(span[(2 * SystemTitle.Length)..]);
        challenge2.CopyTo(span[((2 * SystemTitle.Length) + challenge1.Length)..]);
        return data;
    }
}
