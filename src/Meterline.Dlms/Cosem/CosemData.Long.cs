namespace Meterline.Dlms.Cosem;

public abstract partial record CosemData
{
    /// <summary>long (tag 16): Integer16.</summary>
    public sealed record Long(short Value) : CosemData
    {
        public override DataTag Tag => DataTag.Long;

        public override string ToString() => System.FormattableString.Invariant($"Long {Value}");
    }
}
