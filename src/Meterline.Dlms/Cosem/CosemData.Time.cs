namespace Meterline.Dlms.Cosem;

public abstract partial record CosemData
{
    /// <summary>time (tag 27): four bytes, see CosemTime.</summary>
    public sealed record Time(CosemTime Value) : CosemData
    {
        public override DataTag Tag => DataTag.Time;

        public override string ToString() => System.FormattableString.Invariant($"Time {Value}");
    }
}
