namespace Meterline.Meter.Cosem;

/// <summary>
/// The object-identifier octet-string form of the DLMS UA names in Association LN attributes 4
/// (application_context_name, 2.16.756.5.8.1.N) and 6 (authentication_mechanism_name, 2.16.756.5.8.2.N): the
/// seven BER content octets <c>60 85 74 05 08 GG NN</c> without tag and length (Blue Book 4.4.3; X.690 §8.19).
/// </summary>
internal static class DlmsUaName
{
    public const byte ApplicationContextGroup = 1;
    public const byte AuthenticationMechanismGroup = 2;

    public static byte[] Encode(byte group, byte id)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(id, (byte)0x80);
        return [0x60, 0x85, 0x74, 0x05, 0x08, group, id];
    }
}
