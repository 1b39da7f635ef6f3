namespace Meterline.Dlms.Cosem;

public abstract partial record CosemData
{
    /// <summary>double-long-unsigned (tag 6): Unsigned32.</summary>
    public sealed record DoubleLongUnsigned(uint Value) : CosemData
    {
        public override DataTag Tag => DataTag.DoubleLongUnsigned;

        public override string ToString() => System.FormattableString.Invariant($"DoubleLongUnsigned {Value}");
    }
}
