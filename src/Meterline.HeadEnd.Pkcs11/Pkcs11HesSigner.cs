using System.Security.Cryptography;
using Meterline.HeadEnd.Keys;

namespace Meterline.HeadEnd.Pkcs11;

/// <summary>The head-end's ECDSA P-256 key in the token: SHA-256 in process, CKM_ECDSA over the digest in the token (r ‖ s).</summary>
internal sealed class Pkcs11HesSigner(Pkcs11KeyProvider provider, byte[] publicKey) : IHesSigner
{
    public ReadOnlyMemory<byte> PublicKey { get; } = publicKey;

    public Task<byte[]> SignAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var digest = SHA256.HashData(data.Span);
        return Task.FromResult(provider.SignDigest(digest));
    }

    public override string ToString() => "head-end signing key (ECDSA P-256, in a PKCS#11 token)";
}
