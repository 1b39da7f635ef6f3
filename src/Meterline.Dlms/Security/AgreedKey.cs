using Meterline.Dlms.Axdr;

namespace Meterline.Dlms.Security;

/// <summary>
/// agreed-key [2]: the encryption key is agreed with C(1e, 1s) or C(0e, 2s) ECC CDH (Green Book Table 21).
/// key-parameters names the scheme (0x01 or 0x02); key-ciphered-data is, for C(1e, 1s), party U's ephemeral public
/// key signed with its signature key, and is empty for C(0e, 2s).
/// </summary>
public sealed record AgreedKey(ReadOnlyMemory<byte> KeyParameters, ReadOnlyMemory<byte> KeyCipheredData) : KeyInfo
{
    internal const byte ChoiceIndex = 2;

    public override byte Choice => ChoiceIndex;

    /// <summary>The scheme when key-parameters is the single byte 0x01 or 0x02, otherwise null (reserved).</summary>
    public KeyAgreementScheme? Scheme => KeyParameters.Span switch
    {
        [(byte)KeyAgreementScheme.OnePassDiffieHellman] => KeyAgreementScheme.OnePassDiffieHellman,
        [(byte)KeyAgreementScheme.StaticUnifiedModel] => KeyAgreementScheme.StaticUnifiedModel,
        _ => null,
    };

    public bool Equals(AgreedKey? other) =>
        other is not null && base.Equals(other)
        && SecurityFields.BytesEqual(KeyParameters, other.KeyParameters)
        && SecurityFields.BytesEqual(KeyCipheredData, other.KeyCipheredData);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        SecurityFields.AddBytes(ref hash, KeyParameters);
        SecurityFields.AddBytes(ref hash, KeyCipheredData);
        return hash.ToHashCode();
    }

    private protected override void WriteMembers(AxdrWriter writer)
    {
        writer.WriteLengthPrefixedBytes(KeyParameters.Span);
        writer.WriteLengthPrefixedBytes(KeyCipheredData.Span);
    }
}
