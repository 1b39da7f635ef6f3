using Meterline.Dlms.Apdus;
using Meterline.Dlms.Axdr;

namespace Meterline.Dlms.Security;

/// <summary>
/// The general-ded-ciphering APDU (tag 0xDC, Green Book 9.2.7.2.4.6): the sender's system title and the ciphered content
/// SC ‖ IC ‖ … produced with the dedicated key, each an A-XDR length-prefixed octet string. The system title may be
/// empty when both parties already know it from the association; it is otherwise 8 bytes.
/// </summary>
public sealed record GeneralDedCiphering : Apdu
{
    /// <summary>The APDU tag.</summary>
    public const byte ApduTag = 0xDC;

    public GeneralDedCiphering(SystemTitle? systemTitle, ReadOnlyMemory<byte> cipheredContent)
    {
        SystemTitle = systemTitle;
        CipheredContent = cipheredContent;
    }

    public override byte Tag => ApduTag;

    /// <summary>The sender's system title (the IV prefix), or null when the field is empty.</summary>
    public SystemTitle? SystemTitle { get; }

    /// <summary>SC ‖ IC ‖ ciphertext (or APDU) ‖ authentication tag.</summary>
    public ReadOnlyMemory<byte> CipheredContent { get; }

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

    /// <summary>Checks and removes the protection, using the system title carried in the APDU.</summary>
    /// <exception cref="DlmsSecurityException">
    /// The tag does not verify (<see cref="DlmsErrorReason.AuthenticationFailed"/>) or the APDU carries no system
    /// title (<see cref="DlmsErrorReason.InvalidState"/>; use the overload that takes the known sender).
    /// </exception>
    public byte[] Unprotect(AesGcmCipher cipher) =>
        SecurityFields.UnprotectFromSender(cipher, SystemTitle, null, CipheredContent);

    /// <summary>Checks and removes the protection with a sender system title known from the association.</summary>
    /// <exception cref="DlmsSecurityException">
    /// The tag does not verify (<see cref="DlmsErrorReason.AuthenticationFailed"/>) or the APDU names another sender
    /// (<see cref="DlmsErrorReason.SecurityPolicyViolation"/>).
    /// </exception>
    public byte[] Unprotect(AesGcmCipher cipher, SystemTitle knownSender) =>
        SecurityFields.UnprotectFromSender(cipher, SystemTitle, knownSender, CipheredContent);

    public bool Equals(GeneralDedCiphering? other) =>
        other is not null && base.Equals(other) && SystemTitle == other.SystemTitle
        && SecurityFields.BytesEqual(CipheredContent, other.CipheredContent);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(SystemTitle);
        SecurityFields.AddBytes(ref hash, CipheredContent);
        return hash.ToHashCode();
    }

    internal static GeneralDedCiphering Read(ref AxdrReader reader)
    {
        if (reader.PeekByte() != ApduTag)
        {
            throw reader.Error(DlmsErrorReason.UnknownTag, "Not a general-ded-ciphering APDU");
        }

        reader.ReadByte();
        var systemTitle = SecurityFields.ReadOptionalSystemTitle(ref reader, "system-title");
        return new GeneralDedCiphering(systemTitle, SecurityFields.ReadOctetString(ref reader));
    }

    internal override void WriteTo(AxdrWriter writer)
    {
        writer.WriteByte(ApduTag);
        SecurityFields.WriteSystemTitle(writer, SystemTitle);
        writer.WriteLengthPrefixedBytes(CipheredContent.Span);
    }
}
