using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Meterline.Dlms.Security;

/// <summary>
/// AES key wrap (RFC 3394, no padding, default IV A6A6A6A6A6A6A6A6), used with the master key (KEK) to transfer
/// keys through the key_transfer method of "Security setup" and in wrapped-key key-info (Green Book 9.2.3.3.8).
/// </summary>
public static class AesKeyWrap
{
    private const int SemiblockLength = 8;
    private const ulong DefaultIv = 0xA6A6A6A6A6A6A6A6;

    /// <summary>Wraps a 128-bit key with the KEK (24 bytes out).</summary>
    public static byte[] WrapKey(CipherKey kek, CipherKey key)
    {
        ArgumentNullException.ThrowIfNull(kek);
        ArgumentNullException.ThrowIfNull(key);
        return Wrap(kek.Span, key.Span);
    }

    /// <summary>Unwraps a wrapped 128-bit key (24 bytes).</summary>
    /// <exception cref="DlmsSecurityException">Wrong KEK or altered data (<see cref="DlmsErrorReason.AuthenticationFailed"/>).</exception>
    /// <exception cref="DlmsFormatException">The wrapped key is not 24 bytes.</exception>
    public static CipherKey UnwrapKey(CipherKey kek, ReadOnlySpan<byte> wrappedKey)
    {
        ArgumentNullException.ThrowIfNull(kek);
        if (wrappedKey.Length != CipherKey.Length + SemiblockLength)
        {
            throw new DlmsFormatException(DlmsErrorReason.LengthOutOfRange, 0, "A wrapped 128-bit key is 24 bytes");
        }

        var key = Unwrap(kek.Span, wrappedKey);
        try
        {
            return CipherKey.FromBytes(key);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    /// <summary>Wraps key data of two or more 8-byte semiblocks with the KEK.</summary>
    public static byte[] Wrap(CipherKey kek, ReadOnlySpan<byte> keyData)
    {
        ArgumentNullException.ThrowIfNull(kek);
        return Wrap(kek.Span, keyData);
    }

    /// <summary>Unwraps key data; the integrity check value is compared in fixed time.</summary>
    /// <exception cref="DlmsSecurityException">Wrong KEK or altered data (<see cref="DlmsErrorReason.AuthenticationFailed"/>).</exception>
    /// <exception cref="DlmsFormatException">The input is not a whole number of semiblocks, at least three.</exception>
    public static byte[] Unwrap(CipherKey kek, ReadOnlySpan<byte> wrappedKeyData)
    {
        ArgumentNullException.ThrowIfNull(kek);
        return Unwrap(kek.Span, wrappedKeyData);
    }

    /// <summary>RFC 3394 2.2.1 (index-based form) with a 128, 192 or 256-bit KEK.</summary>
    internal static byte[] Wrap(ReadOnlySpan<byte> kek, ReadOnlySpan<byte> keyData)
    {
        if (keyData.Length < 2 * SemiblockLength || keyData.Length % SemiblockLength != 0)
        {
            throw new ArgumentException("Key data must be two or more 8-byte semiblocks", nameof(keyData));
        }

        var n = keyData.Length / SemiblockLength;
        var output = new byte[keyData.Length + SemiblockLength];
        keyData.CopyTo(output.AsSpan(SemiblockLength));
        Span<byte> block = stackalloc byte[16];
        var a = DefaultIv;
        using var aes = CreateAes(kek);
        try
        {
            for (var j = 0; j <= 5; j++)
            {
                for (var i = 1; i <= n; i++)
                {
                    var r = output.AsSpan(i * SemiblockLength, SemiblockLength);
                    BinaryPrimitives.WriteUInt64BigEndian(block, a);
                    r.CopyTo(block[SemiblockLength..]);
                    aes.EncryptEcb(block, block, PaddingMode.None);
                    a = BinaryPrimitives.ReadUInt64BigEndian(block) ^ (ulong)((n * j) + i);
                    block[SemiblockLength..].CopyTo(r);
                }
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(block);
        }

        BinaryPrimitives.WriteUInt64BigEndian(output, a);
        return output;
    }

    /// <summary>RFC 3394 2.2.2 (index-based form) and the 2.2.3 integrity check, with a 128, 192 or 256-bit KEK.</summary>
    internal static byte[] Unwrap(ReadOnlySpan<byte> kek, ReadOnlySpan<byte> wrapped)
    {
        if (wrapped.Length < 3 * SemiblockLength || wrapped.Length % SemiblockLength != 0)
        {
            throw new DlmsFormatException(
                DlmsErrorReason.LengthOutOfRange,
                0,
                "Wrapped key data must be three or more 8-byte semiblocks");
        }

        var n = (wrapped.Length / SemiblockLength) - 1;
        var output = wrapped[SemiblockLength..].ToArray();
        Span<byte> block = stackalloc byte[16];
        Span<byte> check = stackalloc byte[SemiblockLength];
        Span<byte> expected = stackalloc byte[SemiblockLength];
        var a = BinaryPrimitives.ReadUInt64BigEndian(wrapped);
        using var aes = CreateAes(kek);
        try
        {
            for (var j = 5; j >= 0; j--)
            {
                for (var i = n; i >= 1; i--)
                {
                    var r = output.AsSpan((i - 1) * SemiblockLength, SemiblockLength);
                    BinaryPrimitives.WriteUInt64BigEndian(block, a ^ (ulong)((n * j) + i));
                    r.CopyTo(block[SemiblockLength..]);
                    aes.DecryptEcb(block, block, PaddingMode.None);
                    a = BinaryPrimitives.ReadUInt64BigEndian(block);
                    block[SemiblockLength..].CopyTo(r);
                }
            }

            BinaryPrimitives.WriteUInt64BigEndian(check, a);
            BinaryPrimitives.WriteUInt64BigEndian(expected, DefaultIv);
            if (!CryptographicOperations.FixedTimeEquals(check, expected))
            {
                CryptographicOperations.ZeroMemory(output);
                throw new DlmsSecurityException(DlmsErrorReason.AuthenticationFailed, "Key unwrap integrity check failed");
            }

            return output;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(block);
        }
    }

    private static Aes CreateAes(ReadOnlySpan<byte> kek)
    {
        if (kek.Length is not (16 or 24 or 32))
        {
            throw new ArgumentException("The KEK must be a 128, 192 or 256-bit AES key", nameof(kek));
        }

        var aes = Aes.Create();
        var key = kek.ToArray();
        try
        {
            aes.Key = key;
            return aes;
        }
        catch
        {
            aes.Dispose();
            throw;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }
}
