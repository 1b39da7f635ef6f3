using System.Buffers;
using System.Security.Cryptography;
using Meterline.Dlms.Apdus;
using Meterline.Dlms.Axdr;

namespace Meterline.Dlms.Security;

/// <summary>
/// The general-signing APDU (tag 0xDF, Green Book 9.2.7.2.5 and 9.5): transaction-id, originator-system-title,
/// recipient-system-title, date-time, other-information, content and signature, each an A-XDR octet string. The
/// signature is ECDSA P-256 / SHA-256 (suite 1), r ‖ s, made with the originator's signature key.
/// </summary>
/// <remarks>
/// Signed data: the five header fields, length and value each, followed by the value of content without its
/// length octets. This is the layout of the Gurux .NET and Java stacks (GXDLMS general-signing, "content length is
/// not added for the signed data"); the Green Book text available to us says lengths and values contribute, without
/// showing an example, so the content length is the one point to re-check against Green Book Ed. 9+ examples.
/// </remarks>
public sealed record GeneralSigning : Apdu
{
    /// <summary>The APDU tag.</summary>
    public const byte ApduTag = 0xDF;

    public GeneralSigning(
        ReadOnlyMemory<byte> transactionId,
        SystemTitle originatorSystemTitle,
        SystemTitle? recipientSystemTitle,
        ReadOnlyMemory<byte> dateTime,
        ReadOnlyMemory<byte> otherInformation,
        ReadOnlyMemory<byte> content,
        ReadOnlyMemory<byte> signature)
    {
        TransactionId = transactionId;
        OriginatorSystemTitle = originatorSystemTitle;
        RecipientSystemTitle = recipientSystemTitle;
        DateTime = dateTime;
        OtherInformation = otherInformation;
        Content = content;
        Signature = signature;
    }

    public override byte Tag => ApduTag;

    /// <summary>Identifies the exchange; use it (or the content's invocation counter) to detect replays.</summary>
    public ReadOnlyMemory<byte> TransactionId { get; }

    /// <summary>The signatory, whose public key verifies <see cref="Signature"/>.</summary>
    public SystemTitle OriginatorSystemTitle { get; }

    /// <summary>The party that shall verify the signature, or null when the field is empty.</summary>
    public SystemTitle? RecipientSystemTitle { get; }

    /// <summary>The date-time octet string (empty when not used).</summary>
    public ReadOnlyMemory<byte> DateTime { get; }

    /// <summary>The other-information octet string (empty when not used).</summary>
    public ReadOnlyMemory<byte> OtherInformation { get; }

    /// <summary>The signed xDLMS APDU, plain or ciphered. Signing does not encrypt it.</summary>
    public ReadOnlyMemory<byte> Content { get; }

    /// <summary>r ‖ s (64 bytes for P-256).</summary>
    public ReadOnlyMemory<byte> Signature { get; }

    /// <summary>Builds a general-signing APDU and signs it with <paramref name="signingKey"/> (P-256).</summary>
    public static GeneralSigning Sign(
        ECDsa signingKey,
        ReadOnlyMemory<byte> transactionId,
        SystemTitle originatorSystemTitle,
        SystemTitle? recipientSystemTitle,
        ReadOnlyMemory<byte> dateTime,
        ReadOnlyMemory<byte> otherInformation,
        ReadOnlyMemory<byte> content)
    {
        var unsigned = new GeneralSigning(
            transactionId, originatorSystemTitle, recipientSystemTitle, dateTime, otherInformation, content, ReadOnlyMemory<byte>.Empty);
        var signature = EcdsaP256.Sign(signingKey, unsigned.GetSignedData());
        return new GeneralSigning(
            transactionId, originatorSystemTitle, recipientSystemTitle, dateTime, otherInformation, content, signature);
    }

    /// <summary>The bytes the signature covers (see the remarks on the type).</summary>
    public byte[] GetSignedData()
    {
        var buffer = new ArrayBufferWriter<byte>(48 + TransactionId.Length + DateTime.Length + OtherInformation.Length + Content.Length);
        var writer = new AxdrWriter(buffer);
        SecurityFields.WriteHeaderFields(writer, TransactionId, OriginatorSystemTitle, RecipientSystemTitle, DateTime, OtherInformation);
        writer.WriteBytes(Content.Span);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>True when <see cref="Signature"/> verifies with the originator's public key.</summary>
    public bool VerifySignature(ECDsa originatorPublicKey) =>
        EcdsaP256.Verify(originatorPublicKey, GetSignedData(), Signature.Span);

    /// <summary>Throws unless <see cref="Signature"/> verifies with the originator's public key.</summary>
    /// <exception cref="DlmsSecurityException"><see cref="DlmsErrorReason.AuthenticationFailed"/>.</exception>
    public void EnsureSignatureValid(ECDsa originatorPublicKey)
    {
        if (!VerifySignature(originatorPublicKey))
        {
            throw new DlmsSecurityException(DlmsErrorReason.AuthenticationFailed, "General-signing signature does not verify");
        }
    }

    public bool Equals(GeneralSigning? other) =>
        other is not null && base.Equals(other)
        && SecurityFields.BytesEqual(TransactionId, other.TransactionId)
        && OriginatorSystemTitle == other.OriginatorSystemTitle
        && RecipientSystemTitle == other.RecipientSystemTitle
        && SecurityFields.BytesEqual(DateTime, other.DateTime)
        && SecurityFields.BytesEqual(OtherInformation, other.OtherInformation)
        && SecurityFields.BytesEqual(Content, other.Content)
        && SecurityFields.BytesEqual(Signature, other.Signature);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        SecurityFields.AddBytes(ref hash, TransactionId);
        hash.Add(OriginatorSystemTitle);
        hash.Add(RecipientSystemTitle);
        SecurityFields.AddBytes(ref hash, DateTime);
        SecurityFields.AddBytes(ref hash, OtherInformation);
        SecurityFields.AddBytes(ref hash, Content);
        SecurityFields.AddBytes(ref hash, Signature);
        return hash.ToHashCode();
    }

    internal static GeneralSigning Read(ref AxdrReader reader)
    {
        if (reader.PeekByte() != ApduTag)
        {
            throw reader.Error(DlmsErrorReason.UnknownTag, "Not a general-signing APDU");
        }

        reader.ReadByte();
        var transactionId = SecurityFields.ReadOctetString(ref reader);
        var originator = SecurityFields.ReadSystemTitle(ref reader, "originator-system-title");
        var recipient = SecurityFields.ReadOptionalSystemTitle(ref reader, "recipient-system-title");
        var dateTime = SecurityFields.ReadOctetString(ref reader);
        var otherInformation = SecurityFields.ReadOctetString(ref reader);
        var content = SecurityFields.ReadOctetString(ref reader);
        var signature = SecurityFields.ReadOctetString(ref reader);
        return new GeneralSigning(transactionId, originator, recipient, dateTime, otherInformation, content, signature);
    }

    internal override void WriteTo(AxdrWriter writer)
    {
        writer.WriteByte(ApduTag);
        SecurityFields.WriteHeaderFields(writer, TransactionId, OriginatorSystemTitle, RecipientSystemTitle, DateTime, OtherInformation);
        writer.WriteLengthPrefixedBytes(Content.Span);
        writer.WriteLengthPrefixedBytes(Signature.Span);
    }
}
