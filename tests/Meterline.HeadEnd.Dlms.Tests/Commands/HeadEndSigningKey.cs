using Meterline.HeadEnd.Keys;

namespace Meterline.HeadEnd.Dlms.Tests.Commands;

/// <summary>A head-end's real signing key: a file key provider over a fresh key-encryption key in a temporary directory.</summary>
internal sealed class HeadEndSigningKey : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "meterline-hes-key-" + Guid.NewGuid().ToString("N"));

    public HeadEndSigningKey()
    {
        Directory.CreateDirectory(_directory);
        Provider = FileKeyProvider.Open(new FileKeyProviderOptions { KeyFile = Path.Combine(_directory, "kek"), CreateKeyFile = true });
    }

    public FileKeyProvider Provider { get; }

    public IHesSigner Signer => Provider.Signer;

    /// <summary>The public key as meters are given it (0x04 ‖ X ‖ Y).</summary>
    public ReadOnlyMemory<byte> PublicKey => Provider.Signer.PublicKey;

    public void Dispose()
    {
        Provider.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
