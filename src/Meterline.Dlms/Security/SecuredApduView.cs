using Meterline.Dlms.Axdr;

namespace Meterline.Dlms.Security;

/// <summary>
/// A zero-copy view of a protected APDU's outer layer: its tag, the sender's system title when the APDU carries one
/// (general-glo-/general-ded-ciphering), the security header (SC ‖ IC) and the ciphered content. This is what an
/// ingress guard reads before any allocation, lookup or cryptography: it can reject an unknown sender or a stale
/// counter for the price of a few byte reads.
/// </summary>
public readonly ref struct SecuredApduView
{
    private SecuredApduView(byte tag, SystemTitle? systemTitle, SecurityHeader header, ReadOnlySpan<byte> cipheredContent)
    {
        Tag = tag;
        SystemTitle = systemTitle;
        Header = header;
        CipheredContent = cipheredContent;
    }

    /// <summary>The outer APDU tag: a glo-/ded- service-specific tag, 0xDB or 0xDC.</summary>
    public byte Tag { get; }

    /// <summary>The sender carried in general-glo-/general-ded-ciphering; null for service-specific ciphering.</summary>
    public SystemTitle? SystemTitle { get; }

    /// <summary>Security control and invocation counter.</summary>
    public SecurityHeader Header { get; }

    /// <summary>SC ‖ IC ‖ ciphertext ‖ tag, as <see cref="AesGcmCipher.TryUnprotect(ReadOnlySpan{byte}, SystemTitle, Span{byte}, out int)"/> takes it.</summary>
    public ReadOnlySpan<byte> CipheredContent { get; }

    /// <summary>True for a dedicated-key APDU (ded- service-specific, or general-ded-ciphering).</summary>
    public bool IsDedicated => Tag == GeneralDedCiphering.ApduTag || CipheredApduTags.IsDedicated(Tag);

    /// <summary>
    /// Reads the outer layer of a whole protected APDU. Returns false when the tag is not one of the ciphering APDUs
    /// this view covers; throws <see cref="DlmsFormatException"/> when it is one but its lengths are wrong.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> apdu, out SecuredApduView view)
    {
        view = default;
        if (apdu.IsEmpty)
        {
            return false;
        }

        var tag = apdu[0];
        var reader = new AxdrReader(apdu);
        reader.ReadByte();
        SystemTitle? systemTitle = null;
        if (tag is GeneralGloCiphering.ApduTag or GeneralDedCiphering.ApduTag)
        {
            systemTitle = SecurityFields.ReadOptionalSystemTitle(ref reader, "system-title");
        }
        else if (!CipheredApduTags.IsServiceSpecificCiphered(tag))
        {
            return false;
        }

        var contentOffset = reader.Position;
        var content = reader.ReadLengthPrefixedBytes();
        reader.EnsureAtEnd();
        if (!SecurityHeader.TryDecode(content, out var header, out _))
        {
            throw reader.ErrorAt(contentOffset, DlmsErrorReason.Truncated, "Ciphered content is shorter than its security header");
        }

        view = new SecuredApduView(tag, systemTitle, header, content);
        return true;
    }
}
