using Meterline.Dlms.Axdr;

namespace Meterline.Dlms.Security;

/// <summary>
/// The general-glo-ciphering APDU (tag 0xDB, Green Book 9.2.7.2.4.6): the sender's system title and content
/// ciphered with a global key.
/// </summary>
public sealed record GeneralGloCiphering : SystemTitleCipheredApdu
{
    /// <summary>The APDU tag.</summary>
    public const byte ApduTag = 0xDB;

    public GeneralGloCiphering(SystemTitle? systemTitle, ReadOnlyMemory<byte> cipheredContent)
        : base(systemTitle, cipheredContent)
    {
    }

    public override byte Tag => ApduTag;

    /// <summary>Protects <paramref name="plainApdu"/> and carries the sender's system title with it.</summary>
    public static GeneralGloCiphering Protect(
        AesGcmCipher cipher,
        SecurityControl securityControl,
        SystemTitle sender,
        uint invocationCounter,
        ReadOnlySpan<byte> plainApdu)
    {
        ArgumentNullException.ThrowIfNull(cipher);
        return new GeneralGloCiphering(sender, cipher.Protect(securityControl, sender, invocationCounter, plainApdu));
    }

    internal static GeneralGloCiphering Read(ref AxdrReader reader)
    {
        var (systemTitle, content) = ReadFields(ref reader, ApduTag, "general-glo-ciphering");
        return new GeneralGloCiphering(systemTitle, content);
    }
}
