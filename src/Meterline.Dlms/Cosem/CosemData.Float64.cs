namespace Meterline.Dlms.Cosem;

public abstract partial record CosemData
{
    /// <summary>float64 (tag 24): IEEE 754 double precision, big endian.</summary>
    public sealed record Float64(double Value) : CosemData
    {
        public override DataTag Tag => DataTag.Float64;

        public override string ToString() => System.FormattableString.Invariant($"Float64 {Value}");
    }
}
