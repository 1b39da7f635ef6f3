namespace Meterline.Dlms.Cosem;

public abstract partial record CosemData
{
    /// <summary>integer (tag 15): Integer8.</summary>
    public sealed record Integer(sbyte Value) : CosemData
    {
        public override DataTag Tag => DataTag.Integer;

        public override string ToString() => System.FormattableString.Invariant($"Integer {Value}");
    }
}
