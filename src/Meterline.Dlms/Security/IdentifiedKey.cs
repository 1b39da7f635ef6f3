using Meterline.Dlms.Axdr;

namespace Meterline.Dlms.Security;

/// <summary>identified-key [0]: the encryption key is a global key both parties hold (Green Book Table 21).</summary>
public sealed record IdentifiedKey(KeyId KeyId) : KeyInfo
{
    internal const byte ChoiceIndex = 0;

    public override byte Choice => ChoiceIndex;

    private protected override void WriteMembers(AxdrWriter writer) => writer.WriteByte((byte)KeyId);
}
