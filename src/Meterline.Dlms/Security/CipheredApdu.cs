using Meterline.Dlms.Apdus;
using Meterline.Dlms.Axdr;

namespace Meterline.Dlms.Security;

/// <summary>
/// A service-specific ciphered APDU (glo- or ded-, Green Book 9.2.7.2.4.5): its tag, then the ciphered content
/// SC ‖ IC ‖ … as an A-XDR length-prefixed octet string. <see cref="CipheredApduTags"/> maps the tags.
/// </summary>
public sealed record CipheredApdu : Apdu
{
    /// <param name="tag">A glo- or ded- tag (see <see cref="CipheredApduTags"/>).</param>
    /// <param name="cipheredContent">SC ‖ IC ‖ ciphertext or APDU ‖ tag, as produced by <see cref="AesGcmCipher"/>.</param>
    public CipheredApdu(byte tag, ReadOnlyMemory<byte> cipheredContent)
    {
        if (!CipheredApduTags.IsServiceSpecificCiphered(tag))
        {
            throw new ArgumentException("Not a glo- or ded- ciphered APDU tag", nameof(tag));
        }

        Tag = tag;
        CipheredContent = cipheredContent;
    }

    public override byte Tag { get; }

    /// <summary>SC ‖ IC ‖ ciphertext (or APDU) ‖ authentication tag.</summary>
    public ReadOnlyMemory<byte> CipheredContent { get; }

    /// <summary>True for a ded- APDU (dedicated key), false for a glo- APDU (global key).</summary>
    public bool IsDedicated => CipheredApduTags.IsDedicated(Tag);

    /// <summary>The tag of the unciphered APDU inside.</summary>
    public byte PlainTag
    {
        get
        {
            CipheredApduTags.TryGetPlainTag(Tag, out var plainTag);
            return plainTag;
        }
    }

    /// <summary>
    /// Protects the complete unciphered APDU <paramref name="plainApdu"/> (its first byte is its tag) and wraps it
    /// in the matching glo- or ded- APDU.
    /// </summary>
    public static CipheredApdu Protect(
        AesGcmCipher cipher,
        SecurityControl securityControl,
        SystemTitle sender,
        uint invocationCounter,
        ReadOnlySpan<byte> plainApdu,
        bool dedicated = false)
    {
        ArgumentNullException.ThrowIfNull(cipher);
        if (plainApdu.IsEmpty)
        {
            throw new ArgumentException("The APDU is empty", nameof(plainApdu));
        }

        var mapped = dedicated
            ? CipheredApduTags.TryGetDedicatedTag(plainApdu[0], out var tag)
            : CipheredApduTags.TryGetGlobalTag(plainApdu[0], out tag);
        if (!mapped)
        {
            throw new ArgumentException("This APDU has no service-specific ciphered form", nameof(plainApdu));
        }

        return new CipheredApdu(tag, cipher.Protect(securityControl, sender, invocationCounter, plainApdu));
    }

    /// <summary>
    /// Checks and removes the protection and returns the unciphered APDU, whose tag must match this APDU's tag.
    /// </summary>
    /// <exception cref="DlmsSecurityException">The tag does not verify (<see cref="DlmsErrorReason.AuthenticationFailed"/>).</exception>
    /// <exception cref="DlmsFormatException">The unciphered APDU is not of the kind the tag announces.</exception>
    public byte[] Unprotect(AesGcmCipher cipher, SystemTitle sender)
    {
        ArgumentNullException.ThrowIfNull(cipher);
        var plain = cipher.Unprotect(CipheredContent.Span, sender);
        if (plain.Length == 0 || plain[0] != PlainTag)
        {
            throw new DlmsFormatException(
                DlmsErrorReason.Malformed,
                0,
                $"Ciphered APDU 0x{Tag:X2} does not contain an APDU with tag 0x{PlainTag:X2}");
        }

        return plain;
    }

    public bool Equals(CipheredApdu? other) =>
        other is not null && base.Equals(other) && Tag == other.Tag && SecurityFields.BytesEqual(CipheredContent, other.CipheredContent);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Tag);
        SecurityFields.AddBytes(ref hash, CipheredContent);
        return hash.ToHashCode();
    }

    internal static CipheredApdu Read(ref AxdrReader reader)
    {
        var tag = reader.PeekByte();
        if (!CipheredApduTags.IsServiceSpecificCiphered(tag))
        {
            throw reader.Error(DlmsErrorReason.UnknownTag, $"Tag 0x{tag:X2} is not a glo- or ded- ciphered APDU");
        }

        reader.ReadByte();
        return new CipheredApdu(tag, SecurityFields.ReadOctetString(ref reader));
    }

    internal override void WriteTo(AxdrWriter writer)
    {
        writer.WriteByte(Tag);
        writer.WriteLengthPrefixedBytes(CipheredContent.Span);
    }
}
