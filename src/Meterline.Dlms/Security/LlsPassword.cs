using System.Security.Cryptography;

namespace Meterline.Dlms.Security;

/// <summary>
/// The secret of low level security (LLS, authentication mechanism 1, Green Book 9.2.2.2.2): a password the client
/// sends in the calling-authentication-value of the AARQ. It is compared in fixed time (of SHA-256 digests, so the
/// comparison reveals neither content nor length) and never printed.
/// </summary>
public sealed class LlsPassword
{
    private readonly byte[] _password;

    private LlsPassword(byte[] password)
    {
        _password = password;
    }

    /// <summary>Length in bytes.</summary>
    public int Length => _password.Length;

    /// <summary>Creates a password from its bytes, copying them.</summary>
    public static LlsPassword FromBytes(ReadOnlySpan<byte> password)
    {
        if (password.IsEmpty)
        {
            throw new ArgumentException("An LLS password cannot be empty", nameof(password));
        }

        return new LlsPassword(password.ToArray());
    }

    /// <summary>True when <paramref name="received"/> is this password; fixed time.</summary>
    public bool Verify(ReadOnlySpan<byte> received)
    {
        Span<byte> expectedDigest = stackalloc byte[SHA256.HashSizeInBytes];
        Span<byte> receivedDigest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(_password, expectedDigest);
        SHA256.HashData(received, receivedDigest);
        var equal = CryptographicOperations.FixedTimeEquals(expectedDigest, receivedDigest);
        CryptographicOperations.ZeroMemory(expectedDigest);
        CryptographicOperations.ZeroMemory(receivedDigest);
        return equal;
    }

    /// <summary>A copy of the password bytes, for the AARQ. Zero it when done.</summary>
    public byte[] ToArray() => (byte[])_password.Clone();

    /// <summary>Never shows the password.</summary>
    public override string ToString() => "LlsPassword(redacted)";
}
