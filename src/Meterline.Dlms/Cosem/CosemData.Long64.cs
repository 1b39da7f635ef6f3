namespace Meterline.Dlms.Cosem;

public abstract partial record CosemData
{
    /// <summary>long64 (tag 20): Integer64.</summary>
    public sealed record Long64(long Value) : CosemData
    {
        public override DataTag Tag => DataTag.Long64;

        public override string ToString() => System.FormattableString.Invariant($"Long64 {Value}");
    }
}
