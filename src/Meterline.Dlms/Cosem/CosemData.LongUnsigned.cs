namespace Meterline.Dlms.Cosem;

public abstract partial record CosemData
{
    /// <summary>long-unsigned (tag 18): Unsigned16.</summary>
    public sealed record LongUnsigned(ushort Value) : CosemData
    {
        public override DataTag Tag => DataTag.LongUnsigned;

        public override string ToString() => System.FormattableString.Invariant($"LongUnsigned {Value}");
    }
}
