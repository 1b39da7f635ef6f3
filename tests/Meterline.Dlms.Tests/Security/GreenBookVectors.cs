using Meterline.Dlms.Security;

namespace Meterline.Dlms.Tests.Security;

/// <summary>
/// Published inputs of the DLMS UA Green Book examples (/work/shared/reference/test-vectors.md): keys, system titles
/// and invocation counters. These keys are public.
/// </summary>
internal static class GreenBookVectors
{
    public const string EncryptionKeyHex = "000102030405060708090A0B0C0D0E0F";
    public const string AuthenticationKeyHex = "D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF";
    public const string DedicatedKeyHex = "00112233445566778899AABBCCDDEEFF";

    public const uint ServerInvocationCounter = 0x01234567;
    public const uint ClientInvocationCounter = 0x00000001;

    /// <summary>GET clock 0.0.1.0.0.255 attribute 2, the plain APDU of V1-V3.</summary>
    public const string GetRequestHex = "C0010000080000010000FF0200";

    /// <summary>V1: glo-get-request, authenticated encryption (u9n/dlms-cosem tests/test_security.py; jDLMS CipheringTest).</summary>
    public const string V1 = "C81E3001234567411312FF935A47566827C467BC7D825C3BE4A77C3FCC056B6B";

    /// <summary>V2: glo-get-request, encryption only (jDLMS CipheringTest.java).</summary>
    public const string V2 = "C8122001234567411312FF935A47566827C467BC";

    /// <summary>V3: glo-get-request, authentication only (Green Book ed. 7 example).</summary>
    public const string V3 = "C81E1001234567C0010000080000010000FF020006725D910F9221D263877516";

    /// <summary>V4 input: InitiateRequest with dedicated key 00112233…FF.</summary>
    public const string InitiateRequestHex = "01011000112233445566778899AABBCCDDEEFF0000065F1F0400007E1F04B0";

    /// <summary>V4: glo-initiate-request, authenticated encryption (u9n tests/test_xdlms/test_initiate.py; jDLMS CipheringTest).</summary>
    public const string V4 = "21303001234567801302FF8A7874133D414CED25B42534D28DB0047720606B175BD52211BE6841DB204D39EE6FDB8E356855";

    public static SystemTitle ServerSystemTitle { get; } = SystemTitle.Parse("4D4D4D0000BC614E");

    public static SystemTitle ClientSystemTitle { get; } = SystemTitle.Parse("4D4D4D0000000001");

    public static CipherKey EncryptionKey => CipherKey.FromBytes(Convert.FromHexString(EncryptionKeyHex));

    public static CipherKey AuthenticationKey => CipherKey.FromBytes(Convert.FromHexString(AuthenticationKeyHex));

    public static AesGcmCipher CreateCipher(bool acceptEncryptionOnly = false) =>
        new(EncryptionKey, AuthenticationKey, SecuritySuite.AesGcm128, acceptEncryptionOnly);
}
