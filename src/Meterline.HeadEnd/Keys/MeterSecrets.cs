using System.Security.Cryptography;
using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.Keys;

/// <summary>
/// A meter's unwrapped secrets of one key generation, held in memory only while needed. Dispose zeroes them. Prints
/// no secret.
/// </summary>
public sealed class MeterSecrets : IDisposable
{
    public const int AesKeyLength = 16;

    private readonly byte[] _encryption;
    private readonly byte[] _authentication;
    private readonly byte[] _master;
    private readonly byte[] _readerPassword;

    public MeterSecrets(MeterId meter, int generation, ReadOnlySpan<byte> encryption, ReadOnlySpan<byte> authentication, ReadOnlySpan<byte> master, ReadOnlySpan<byte> readerPassword)
    {
        if (encryption.Length != AesKeyLength || authentication.Length != AesKeyLength || master.Length != AesKeyLength)
        {
            throw new ArgumentException($"Meter keys are {AesKeyLength} bytes (AES-128).");
        }

        Meter = meter;
        Generation = generation;
        _encryption = encryption.ToArray();
        _authentication = authentication.ToArray();
        _master = master.ToArray();
        _readerPassword = readerPassword.ToArray();
    }

    public MeterId Meter { get; }

    public int Generation { get; }

    /// <summary>Global unicast encryption key.</summary>
    public ReadOnlySpan<byte> Encryption => _encryption;

    /// <summary>Authentication key.</summary>
    public ReadOnlySpan<byte> Authentication => _authentication;

    /// <summary>Master key (KEK).</summary>
    public ReadOnlySpan<byte> Master => _master;

    /// <summary>The meter-reader LLS password (may be empty).</summary>
    public ReadOnlySpan<byte> ReaderPassword => _readerPassword;

    public void Dispose()
    {
        CryptographicOperations.ZeroMemory(_encryption);
        CryptographicOperations.ZeroMemory(_authentication);
        CryptographicOperations.ZeroMemory(_master);
        CryptographicOperations.ZeroMemory(_readerPassword);
    }

    public override string ToString() => $"secrets of meter {Meter}, generation {Generation}";
}
