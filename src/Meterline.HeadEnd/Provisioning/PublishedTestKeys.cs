using System.Security.Cryptography;
using System.Text;
using Meterline.HeadEnd.Keys;

namespace Meterline.HeadEnd.Provisioning;

/// <summary>
/// The secrets published as examples and test vectors (listed in /work/shared/reference/test-vectors.md with their
/// sources). A key equal to any of them is refused as any kind of AES key; a password equal to a published password
/// is refused as a reader password.
/// </summary>
public static class PublishedTestKeys
{
    public static IReadOnlyList<PublishedTestKey> All { get; } =
    [
        new(MeterKeyKind.Encryption, Convert.FromHexString("000102030405060708090A0B0C0D0E0F"),
            "DLMS UA Green Book ciphering examples: global unicast encryption key (vectors V1-V6); RFC 3394 section 4.1 key-encryption key (V7)"),
        new(MeterKeyKind.Authentication, Convert.FromHexString("D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF"),
            "DLMS UA Green Book ciphering examples: authentication key (vectors V1-V6)"),
        new(MeterKeyKind.Encryption, Convert.FromHexString("00112233445566778899AABBCCDDEEFF"),
            "DLMS UA Green Book glo-initiate-request example: dedicated key (V4); RFC 3394 section 4.1 key data (V7)"),
        new(MeterKeyKind.ReaderPassword, Encoding.ASCII.GetBytes("12345678"),
            "u9n/dlms-cosem tests/test_asce/test_aarq.py and Green Book AARQ example: LLS password (V8)"),
    ];

    /// <summary>The published secret a key or password equals, or null. Compared in constant time.</summary>
    public static PublishedTestKey? Match(MeterKeyKind kind, ReadOnlySpan<byte> secret)
    {
        var password = kind == MeterKeyKind.ReaderPassword;
        PublishedTestKey? found = null;
        foreach (var key in All)
        {
            if ((key.Kind == MeterKeyKind.ReaderPassword) == password && key.Value.Length == secret.Length && CryptographicOperations.FixedTimeEquals(key.Value, secret))
            {
                found ??= key;
            }
        }

        return found;
    }
}
