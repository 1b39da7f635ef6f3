namespace Meterline.HeadEnd.Keys;

/// <summary>
/// The head-end's own ECDSA P-256 signing key (DLMS suite 1), kept by the key provider; the private key never leaves it.
/// </summary>
public interface IHesSigner
{
    /// <summary>The public key as an uncompressed SEC 1 point (0x04 ‖ X ‖ Y, 65 bytes), as meters are given it.</summary>
    ReadOnlyMemory<byte> PublicKey { get; }

    /// <summary>Signs data with ECDSA P-256 over SHA-256; the signature is r ‖ s, 64 bytes (Green Book 9.2.3.4.7).</summary>
    Task<byte[]> SignAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default);
}
