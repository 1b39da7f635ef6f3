namespace Meterline.Dlms.Cosem;

public abstract partial record CosemData
{
    /// <summary>date-time (tag 25): twelve bytes, see CosemDateTime.</summary>
    public sealed record DateTime(CosemDateTime Value) : CosemData
    {
        public override DataTag Tag => DataTag.DateTime;

        public override string ToString() => System.FormattableString.Invariant($"DateTime {Value}");
    }
}
