namespace Meterline.Dlms.Cosem;

public abstract partial record CosemData
{
    /// <summary>unsigned (tag 17): Unsigned8.</summary>
    public sealed record Unsigned(byte Value) : CosemData
    {
        public override DataTag Tag => DataTag.Unsigned;

        public override string ToString() => System.FormattableString.Invariant($"Unsigned {Value}");
    }
}
