namespace Meterline.Dlms.Acse;

/// <summary>
/// Encodes and recognises the two object identifier families DLMS uses in ACSE: application context names
/// (2.16.756.5.8.1.N) and authentication mechanism names (2.16.756.5.8.2.N). The content octets are
/// <c>60 85 74 05 08 GG NN</c>: 60 = 2 × 40 + 16, 85 74 = 756 in base 128, then 5, 8, the group and the id
/// (X.690 §8.19).
/// </summary>
internal static class DlmsObjectIdentifier
{
    /// <summary>Arc 1 under DLMS-UA: application-context.</summary>
    public const byte ApplicationContextGroup = 1;

    /// <summary>Arc 2 under DLMS-UA: authentication-mechanism-name.</summary>
    public const byte MechanismNameGroup = 2;

    /// <summary>Length of the content octets of every DLMS UA identifier handled here.</summary>
    public const int EncodedLength = 7;

    /// <summary>{joint-iso-ccitt(2) country(16) country-name(756) identified-organization(5) DLMS-UA(8)}.</summary>
    private static ReadOnlySpan<byte> DlmsUaArc => [0x60, 0x85, 0x74, 0x05, 0x08];

    /// <summary>Recognises the content octets of 2.16.756.5.8.<paramref name="group"/>.N with N below 128.</summary>
    public static bool TryParse(ReadOnlySpan<byte> content, byte group, out byte id)
    {
        id = 0;
        if (content.Length != EncodedLength || !content[..5].SequenceEqual(DlmsUaArc) || content[5] != group ||
            content[6] >= 0x80)
        {
            return false;
        }

        id = content[6];
        return true;
    }

    /// <summary>Writes the seven content octets of 2.16.756.5.8.<paramref name="group"/>.<paramref name="id"/>.</summary>
    public static void Write(Span<byte> destination, byte group, byte id)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(id, (byte)0x80);
        DlmsUaArc.CopyTo(destination);
        destination[5] = group;
        destination[6] = id;
    }
}
