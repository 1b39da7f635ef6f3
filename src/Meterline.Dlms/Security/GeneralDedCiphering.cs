using Meterline.Dlms.Axdr;

namespace Meterline.Dlms.Security;

/// <summary>
/// The general-ded-ciphering APDU (tag 0xDC, Green Book 9.2.7.2.4.6): the sender's system title and content
/// ciphered with the dedicated key.
/// </summary>
public sealed record GeneralDedCiphering : SystemTitleCipheredApdu
{
    /// <summary>The APDU tag.</summary>
    public const byte ApduTag = 0xDC;

    public GeneralDedCiphering(SystemTitle? systemTitle, ReadOnlyMemory<byte> cipheredContent)
        : base(systemTitle, cipheredContent)
    {
    }

    public override byte Tag => ApduTag;

    /// <summary>Protects <paramref name="plainApdu"/> and carries the sender's system title with it.</summary>
    public static GeneralDedCiphering Protect(
        AesGcmCipher cipher,
        SecurityControl securityControl,
        SystemTitle sender,
        uint invocationCounter,
        ReadOnlySpan<byte> plainApdu)
    {
        ArgumentNullException.ThrowIfNull(cipher);
        return new GeneralDedCiphering(sender, cipher.Protect(securityControl, sender, invocationCounter, plainApdu));
    }

    internal static GeneralDedCiphering Read(ref AxdrReader reader)
    {
        var (systemTitle, content) = ReadFields(ref reader, ApduTag, "general-ded-ciphering");
        return new GeneralDedCiphering(systemTitle, content);
    }
}
