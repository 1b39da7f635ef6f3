namespace Meterline.Dlms.Cosem;

public abstract partial record CosemData
{
    /// <summary>date (tag 26): five bytes, see CosemDate.</summary>
    public sealed record Date(CosemDate Value) : CosemData
    {
        public override DataTag Tag => DataTag.Date;

        public override string ToString() => System.FormattableString.Invariant($"Date {Value}");
    }
}
