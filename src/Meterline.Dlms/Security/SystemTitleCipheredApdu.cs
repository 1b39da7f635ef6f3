using Meterline.Dlms.Apdus;
using Meterline.Dlms.Axdr;

namespace Meterline.Dlms.Security;

/// <summary>
/// The layout general-glo-ciphering and general-ded-ciphering share (Green Book 9.2.7.2.4.6): the sender's system
/// title and the ciphered content SC ‖ IC ‖ …, each an A-XDR length-prefixed octet string. The system title may be
/// empty when both parties already know it from the association; it is otherwise 8 bytes.
/// </summary>
public abstract record SystemTitleCipheredApdu : Apdu
{
    private protected SystemTitleCipheredApdu(SystemTitle? systemTitle, ReadOnlyMemory<byte> cipheredContent)
    {
        SystemTitle = systemTitle;
        CipheredContent = cipheredContent;
    }

    /// <summary>The sender's system title (the IV prefix), or null when the field is empty.</summary>
    public SystemTitle? SystemTitle { get; }

    /// <summary>SC ‖ IC ‖ ciphertext (or APDU) ‖ authentication tag.</summary>
    public ReadOnlyMemory<byte> CipheredContent { get; }

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

    public virtual bool Equals(SystemTitleCipheredApdu? other) =>
        other is not null && base.Equals(other) && SystemTitle == other.SystemTitle
        && SecurityFields.BytesEqual(CipheredContent, other.CipheredContent);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Tag);
        hash.Add(SystemTitle);
        SecurityFields.AddBytes(ref hash, CipheredContent);
        return hash.ToHashCode();
    }

    /// <summary>Reads both fields after checking the tag.</summary>
    private protected static (SystemTitle? SystemTitle, ReadOnlyMemory<byte> CipheredContent) ReadFields(ref AxdrReader reader, byte tag, string name)
    {
        if (reader.PeekByte() != tag)
        {
            throw reader.Error(DlmsErrorReason.UnknownTag, $"Not a {name} APDU");
        }

        reader.ReadByte();
        var systemTitle = SecurityFields.ReadOptionalSystemTitle(ref reader, "system-title");
        return (systemTitle, SecurityFields.ReadOctetString(ref reader));
    }

    internal override void WriteTo(AxdrWriter writer)
    {
        writer.WriteByte(Tag);
        SecurityFields.WriteSystemTitle(writer, SystemTitle);
        writer.WriteLengthPrefixedBytes(CipheredContent.Span);
    }
}
