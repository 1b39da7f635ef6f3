namespace Meterline.Dlms.Cosem;

public abstract partial record CosemData
{
    /// <summary>boolean (tag 3): FALSE is 0x00, any other byte TRUE; encoded as 0xFF.</summary>
    public sealed record Boolean(bool Value) : CosemData
    {
        public override DataTag Tag => DataTag.Boolean;

        public override string ToString() => System.FormattableString.Invariant($"Boolean {Value}");
    }
}
