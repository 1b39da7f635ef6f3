namespace Meterline.Dlms.Cosem;

public abstract partial record CosemData
{
    /// <summary>float32 (tag 23): IEEE 754 single precision, big endian.</summary>
    public sealed record Float32(float Value) : CosemData
    {
        public override DataTag Tag => DataTag.Float32;

        public override string ToString() => System.FormattableString.Invariant($"Float32 {Value}");
    }
}
