using Meterline.Dlms.Axdr;

namespace Meterline.Dlms.Security;

/// <summary>
/// The key-info field of general-ciphering (Green Book 9.5 and Table 21): how the encryption key is identified or
/// established. A-XDR: the CHOICE index byte ([0] identified-key, [1] wrapped-key, [2] agreed-key) then the members.
/// </summary>
public abstract record KeyInfo
{
    private protected KeyInfo()
    {
    }

    /// <summary>The CHOICE index: 0 identified-key, 1 wrapped-key, 2 agreed-key.</summary>
    public abstract byte Choice { get; }

    /// <summary>Reads key-info OPTIONAL: a presence byte (0 absent, 1 present) and, when present, the CHOICE.</summary>
    internal static KeyInfo? ReadOptional(ref AxdrReader reader)
    {
        var presence = reader.PeekByte();
        if (presence > 1)
        {
            throw reader.Error(DlmsErrorReason.Malformed, $"Presence flag of key-info must be 0 or 1, not {presence}");
        }

        reader.ReadByte();
        if (presence == 0)
        {
            return null;
        }

        var choice = reader.PeekByte();
        switch (choice)
        {
            case IdentifiedKey.ChoiceIndex:
                reader.ReadByte();
                return new IdentifiedKey(ReadEnum<KeyId>(ref reader, (byte)KeyId.GlobalBroadcastEncryptionKey, "key-id"));
            case WrappedKey.ChoiceIndex:
                reader.ReadByte();
                var kekId = ReadEnum<KekId>(ref reader, (byte)KekId.MasterKey, "kek-id");
                return new WrappedKey(kekId, SecurityFields.ReadOctetString(ref reader));
            case AgreedKey.ChoiceIndex:
                reader.ReadByte();
                var parameters = SecurityFields.ReadOctetString(ref reader);
                return new AgreedKey(parameters, SecurityFields.ReadOctetString(ref reader));
            default:
                throw reader.Error(DlmsErrorReason.UnknownTag, $"Unknown key-info choice {choice}");
        }
    }

    /// <summary>Writes key-info OPTIONAL.</summary>
    internal static void WriteOptional(AxdrWriter writer, KeyInfo? keyInfo)
    {
        if (keyInfo is null)
        {
            writer.WriteByte(0);
            return;
        }

        writer.WriteByte(1);
        writer.WriteByte(keyInfo.Choice);
        keyInfo.WriteMembers(writer);
    }

    /// <summary>Writes the members that follow the CHOICE index.</summary>
    private protected abstract void WriteMembers(AxdrWriter writer);

    private static TEnum ReadEnum<TEnum>(ref AxdrReader reader, byte maximum, string field)
        where TEnum : struct, Enum
    {
        var value = reader.PeekByte();
        if (value > maximum)
        {
            throw reader.Error(DlmsErrorReason.UnknownTag, $"Unknown {field} {value}");
        }

        reader.ReadByte();
        return (TEnum)Enum.ToObject(typeof(TEnum), value);
    }
}
