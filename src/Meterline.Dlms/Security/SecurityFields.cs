using Meterline.Dlms.Axdr;

namespace Meterline.Dlms.Security;

/// <summary>Reading and writing the A-XDR octet-string fields shared by the general ciphering and signing APDUs.</summary>
internal static class SecurityFields
{
    /// <summary>Reads a length-prefixed octet string and copies it.</summary>
    public static ReadOnlyMemory<byte> ReadOctetString(ref AxdrReader reader) =>
        reader.ReadLengthPrefixedBytes().ToArray();

    /// <summary>Reads a length-prefixed system title that must be 8 bytes.</summary>
    public static SystemTitle ReadSystemTitle(ref AxdrReader reader, string field)
    {
        var start = reader.Position;
        var bytes = reader.ReadLengthPrefixedBytes();
        if (bytes.Length != SystemTitle.Length)
        {
            throw reader.ErrorAt(start, DlmsErrorReason.Malformed, $"The {field} must be 8 bytes, not {bytes.Length}");
        }

        return SystemTitle.FromBytes(bytes);
    }

    /// <summary>Reads a length-prefixed system title that is either empty (null) or 8 bytes.</summary>
    public static SystemTitle? ReadOptionalSystemTitle(ref AxdrReader reader, string field)
    {
        var start = reader.Position;
        var bytes = reader.ReadLengthPrefixedBytes();
        return bytes.Length switch
        {
            0 => null,
            SystemTitle.Length => SystemTitle.FromBytes(bytes),
            _ => throw reader.ErrorAt(start, DlmsErrorReason.Malformed, $"The {field} must be empty or 8 bytes, not {bytes.Length}"),
        };
    }

    /// <summary>Writes a system title as a length-prefixed octet string (empty when null).</summary>
    public static void WriteSystemTitle(AxdrWriter writer, SystemTitle? systemTitle)
    {
        if (systemTitle is { } value)
        {
            Span<byte> bytes = stackalloc byte[SystemTitle.Length];
            value.Encode(bytes);
            writer.WriteLengthPrefixedBytes(bytes);
        }
        else
        {
            writer.WriteLength(0);
        }
    }

    /// <summary>
    /// Writes transaction-id, originator-system-title, recipient-system-title, date-time and other-information as
    /// A-XDR octet strings, length and value each: the part of the AAD (general-ciphering, Green Book Table 38) and of
    /// the signed data (general-signing) that these fields contribute.
    /// </summary>
    public static void WriteHeaderFields(
        AxdrWriter writer,
        ReadOnlyMemory<byte> transactionId,
        SystemTitle originatorSystemTitle,
        SystemTitle? recipientSystemTitle,
        ReadOnlyMemory<byte> dateTime,
        ReadOnlyMemory<byte> otherInformation)
    {
        writer.WriteLengthPrefixedBytes(transactionId.Span);
        WriteSystemTitle(writer, originatorSystemTitle);
        WriteSystemTitle(writer, recipientSystemTitle);
        writer.WriteLengthPrefixedBytes(dateTime.Span);
        writer.WriteLengthPrefixedBytes(otherInformation.Span);
    }

    /// <summary>
    /// Unprotects the ciphered content of general-glo- or general-ded-ciphering: the sender is the system title the
    /// APDU carries, which must agree with the one known from the association when both are present.
    /// </summary>
    public static byte[] UnprotectFromSender(
        AesGcmCipher cipher,
        SystemTitle? carried,
        SystemTitle? known,
        ReadOnlyMemory<byte> cipheredContent)
    {
        ArgumentNullException.ThrowIfNull(cipher);
        if (carried is { } c && known is { } k && c != k)
        {
            throw new DlmsSecurityException(DlmsErrorReason.SecurityPolicyViolation, "The APDU names a different sender");
        }

        if ((carried ?? known) is not { } sender)
        {
            throw new DlmsSecurityException(DlmsErrorReason.InvalidState, "The APDU carries no system title; the sender must be known");
        }

        return cipher.Unprotect(cipheredContent.Span, sender);
    }

    /// <summary>Content equality for byte payloads.</summary>
    public static bool BytesEqual(ReadOnlyMemory<byte> left, ReadOnlyMemory<byte> right) =>
        left.Span.SequenceEqual(right.Span);

    /// <summary>Adds the bytes to a hash code.</summary>
    public static void AddBytes(ref HashCode hash, ReadOnlyMemory<byte> bytes)
    {
        hash.Add(bytes.Length);
        hash.AddBytes(bytes.Span);
    }
}
