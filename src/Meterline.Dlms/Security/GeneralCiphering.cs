using System.Buffers;
using Meterline.Dlms.Apdus;
using Meterline.Dlms.Axdr;

namespace Meterline.Dlms.Security;

/// <summary>
/// The general-ciphering APDU (tag 0xDD, Green Book 9.2.7.2.4.8 and 9.5): transaction-id, originator-system-title,
/// recipient-system-title, date-time and other-information (each an A-XDR octet string), key-info OPTIONAL, and the
/// ciphered content SC ‖ IC ‖ …. The five header fields, length and value each, follow AK in the AAD (Table 38),
/// so none of them can be changed without breaking the tag. The originator system title is the IV prefix and must
/// be 8 bytes; the recipient system title is 8 bytes or empty.
/// </summary>
public sealed record GeneralCiphering : Apdu
{
    /// <summary>The APDU tag.</summary>
    public const byte ApduTag = 0xDD;

    public GeneralCiphering(
        ReadOnlyMemory<byte> transactionId,
        SystemTitle originatorSystemTitle,
        SystemTitle? recipientSystemTitle,
        ReadOnlyMemory<byte> dateTime,
        ReadOnlyMemory<byte> otherInformation,
        KeyInfo? keyInfo,
        ReadOnlyMemory<byte> cipheredContent)
    {
        TransactionId = transactionId;
        OriginatorSystemTitle = originatorSystemTitle;
        RecipientSystemTitle = recipientSystemTitle;
        DateTime = dateTime;
        OtherInformation = otherInformation;
        KeyInfo = keyInfo;
        CipheredContent = cipheredContent;
    }

    public override byte Tag => ApduTag;

    /// <summary>Identifies the exchange; it is also Nonce_U of the C(0e, 2s) key agreement.</summary>
    public ReadOnlyMemory<byte> TransactionId { get; }

    /// <summary>The party that applied the protection (the IV prefix).</summary>
    public SystemTitle OriginatorSystemTitle { get; }

    /// <summary>The party that shall remove the protection, or null when the field is empty.</summary>
    public SystemTitle? RecipientSystemTitle { get; }

    /// <summary>The date-time octet string (empty when not used).</summary>
    public ReadOnlyMemory<byte> DateTime { get; }

    /// <summary>The other-information octet string (empty when not used).</summary>
    public ReadOnlyMemory<byte> OtherInformation { get; }

    /// <summary>How the encryption key is identified, wrapped or agreed; null when absent.</summary>
    public KeyInfo? KeyInfo { get; }

    /// <summary>SC ‖ IC ‖ ciphertext (or APDU) ‖ authentication tag.</summary>
    public ReadOnlyMemory<byte> CipheredContent { get; }

    /// <summary>
    /// Protects <paramref name="plainApdu"/> with the five header fields in the AAD. The key-set bit of
    /// <paramref name="securityControl"/> must be zero (Green Book Table 39, footnote 1).
    /// </summary>
    public static GeneralCiphering Protect(
        AesGcmCipher cipher,
        SecurityControl securityControl,
        uint invocationCounter,
        ReadOnlyMemory<byte> transactionId,
        SystemTitle originatorSystemTitle,
        SystemTitle? recipientSystemTitle,
        ReadOnlyMemory<byte> dateTime,
        ReadOnlyMemory<byte> otherInformation,
        KeyInfo? keyInfo,
        ReadOnlySpan<byte> plainApdu)
    {
        ArgumentNullException.ThrowIfNull(cipher);
        if (securityControl.UsesBroadcastKey)
        {
            throw new ArgumentException("The key-set bit must be zero in general-ciphering", nameof(securityControl));
        }

        var fields = EncodeHeaderFields(transactionId, originatorSystemTitle, recipientSystemTitle, dateTime, otherInformation);
        var content = cipher.Protect(securityControl, originatorSystemTitle, invocationCounter, plainApdu, fields);
        return new GeneralCiphering(
            transactionId, originatorSystemTitle, recipientSystemTitle, dateTime, otherInformation, keyInfo, content);
    }

    /// <summary>The A-XDR encoded transaction-id … other-information, as they enter the AAD.</summary>
    public byte[] GetAuthenticatedFields() =>
        EncodeHeaderFields(TransactionId, OriginatorSystemTitle, RecipientSystemTitle, DateTime, OtherInformation);

    /// <summary>
    /// Checks and removes the protection with <paramref name="cipher"/>, which holds the key that
    /// <see cref="KeyInfo"/> identifies, wraps or agrees.
    /// </summary>
    /// <exception cref="DlmsSecurityException">The tag does not verify (<see cref="DlmsErrorReason.AuthenticationFailed"/>).</exception>
    /// <exception cref="DlmsFormatException">The key-set bit is set (offset within the ciphered content).</exception>
    public byte[] Unprotect(AesGcmCipher cipher)
    {
        ArgumentNullException.ThrowIfNull(cipher);
        var securityControl = SecurityControl.Decode(CipheredContent.Span, out _);
        if (securityControl.UsesBroadcastKey)
        {
            throw new DlmsFormatException(DlmsErrorReason.Malformed, 0, "The key-set bit must be zero in general-ciphering");
        }

        return cipher.Unprotect(CipheredContent.Span, OriginatorSystemTitle, GetAuthenticatedFields());
    }

    public bool Equals(GeneralCiphering? other) =>
        other is not null && base.Equals(other)
        && SecurityFields.BytesEqual(TransactionId, other.TransactionId)
        && OriginatorSystemTitle == other.OriginatorSystemTitle
        && RecipientSystemTitle == other.RecipientSystemTitle
        && SecurityFields.BytesEqual(DateTime, other.DateTime)
        && SecurityFields.BytesEqual(OtherInformation, other.OtherInformation)
        && Equals(KeyInfo, other.KeyInfo)
        && SecurityFields.BytesEqual(CipheredContent, other.CipheredContent);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        SecurityFields.AddBytes(ref hash, TransactionId);
        hash.Add(OriginatorSystemTitle);
        hash.Add(RecipientSystemTitle);
        SecurityFields.AddBytes(ref hash, DateTime);
        SecurityFields.AddBytes(ref hash, OtherInformation);
        hash.Add(KeyInfo);
        SecurityFields.AddBytes(ref hash, CipheredContent);
        return hash.ToHashCode();
    }

    internal static GeneralCiphering Read(ref AxdrReader reader)
    {
        if (reader.PeekByte() != ApduTag)
        {
            throw reader.Error(DlmsErrorReason.UnknownTag, "Not a general-ciphering APDU");
        }

        reader.ReadByte();
        var transactionId = SecurityFields.ReadOctetString(ref reader);
        var originator = SecurityFields.ReadSystemTitle(ref reader, "originator-system-title");
        var recipient = SecurityFields.ReadOptionalSystemTitle(ref reader, "recipient-system-title");
        var dateTime = SecurityFields.ReadOctetString(ref reader);
        var otherInformation = SecurityFields.ReadOctetString(ref reader);
        var keyInfo = KeyInfo.ReadOptional(ref reader);
        var content = SecurityFields.ReadOctetString(ref reader);
        return new GeneralCiphering(transactionId, originator, recipient, dateTime, otherInformation, keyInfo, content);
    }

    internal override void WriteTo(AxdrWriter writer)
    {
        writer.WriteByte(ApduTag);
        SecurityFields.WriteHeaderFields(writer, TransactionId, OriginatorSystemTitle, RecipientSystemTitle, DateTime, OtherInformation);
        KeyInfo.WriteOptional(writer, KeyInfo);
        writer.WriteLengthPrefixedBytes(CipheredContent.Span);
    }

    private static byte[] EncodeHeaderFields(
        ReadOnlyMemory<byte> transactionId,
        SystemTitle originator,
        SystemTitle? recipient,
        ReadOnlyMemory<byte> dateTime,
        ReadOnlyMemory<byte> otherInformation)
    {
        var buffer = new ArrayBufferWriter<byte>(32 + transactionId.Length + dateTime.Length + otherInformation.Length);
        SecurityFields.WriteHeaderFields(new AxdrWriter(buffer), transactionId, originator, recipient, dateTime, otherInformation);
        return buffer.WrittenSpan.ToArray();
    }
}
