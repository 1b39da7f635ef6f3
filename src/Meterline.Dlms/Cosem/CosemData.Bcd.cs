namespace Meterline.Dlms.Cosem;

public abstract partial record CosemData
{
    /// <summary>bcd (tag 13): one byte of binary-coded decimal, carried as encoded.</summary>
    public sealed record Bcd(byte Value) : CosemData
    {
        public override DataTag Tag => DataTag.Bcd;

        public override string ToString() => System.FormattableString.Invariant($"Bcd {Value}");
    }
}
