using System.Security.Cryptography;

namespace Meterline.HeadEnd.Keys;

/// <summary>The head-end's ECDSA P-256 key held in process memory (by <see cref="FileKeyProvider"/>). Thread-safe.</summary>
internal sealed class SoftwareHesSigner : IHesSigner, IDisposable
{
    private readonly Lock _lock = new();
    private readonly ECDsa _key;

    /// <summary>Takes ownership of a P-256 key.</summary>
    public SoftwareHesSigner(ECDsa key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var parameters = key.ExportParameters(includePrivateParameters: false);
        if (parameters.Curve.Oid?.Value != ECCurve.NamedCurves.nistP256.Oid.Value || parameters.Q.X is not { Length: 32 } x || parameters.Q.Y is not { Length: 32 } y)
        {
            throw new KeyProviderException("The head-end signing key is not an ECDSA P-256 key.");
        }

        _key = key;
        var point = new byte[65];
        point[0] = 0x04;
        x.CopyTo(point, 1);
        y.CopyTo(point, 33);
        PublicKey = point;
    }

    public ReadOnlyMemory<byte> PublicKey { get; }

    public Task<byte[]> SignAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            return Task.FromResult(_key.SignData(data.Span, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _key.Dispose();
        }
    }

    public override string ToString() => "head-end signing key (ECDSA P-256, in process)";
}
