using Meterline.Dlms.Axdr;

namespace Meterline.Dlms.Security;

/// <summary>
/// wrapped-key [1]: a randomly generated encryption key, wrapped with the KEK by AES key wrap (Green Book Table 21;
/// see <see cref="AesKeyWrap"/>).
/// </summary>
public sealed record WrappedKey(KekId KekId, ReadOnlyMemory<byte> KeyCipheredData) : KeyInfo
{
    internal const byte ChoiceIndex = 1;

    public override byte Choice => ChoiceIndex;

    public bool Equals(WrappedKey? other) =>
        other is not null && base.Equals(other) && KekId == other.KekId
        && SecurityFields.BytesEqual(KeyCipheredData, other.KeyCipheredData);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(KekId);
        SecurityFields.AddBytes(ref hash, KeyCipheredData);
        return hash.ToHashCode();
    }

    private protected override void WriteMembers(AxdrWriter writer)
    {
        writer.WriteByte((byte)KekId);
        writer.WriteLengthPrefixedBytes(KeyCipheredData.Span);
    }
}
