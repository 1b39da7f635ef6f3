namespace Meterline.Dlms.Cosem;

public abstract partial record CosemData
{
    /// <summary>enum (tag 22): an enumeration value, 0–255.</summary>
    public sealed record Enum(byte Value) : CosemData
    {
        public override DataTag Tag => DataTag.Enum;

        public override string ToString() => System.FormattableString.Invariant($"Enum {Value}");
    }
}
