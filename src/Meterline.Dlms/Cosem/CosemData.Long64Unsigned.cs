namespace Meterline.Dlms.Cosem;

public abstract partial record CosemData
{
    /// <summary>long64-unsigned (tag 21): Unsigned64.</summary>
    public sealed record Long64Unsigned(ulong Value) : CosemData
    {
        public override DataTag Tag => DataTag.Long64Unsigned;

        public override string ToString() => System.FormattableString.Invariant($"Long64Unsigned {Value}");
    }
}
