namespace Meterline.Dlms.Cosem;

public abstract partial record CosemData
{
    /// <summary>
    /// visible-string (tag 10). Each byte is one character (ISO 646); bytes outside the printable range, which
    /// meters do send, are kept as the Latin-1 character of the same value so that the value round-trips.
    /// </summary>
    public sealed record VisibleString(string Value) : CosemData
    {
        public override DataTag Tag => DataTag.VisibleString;

        public override string ToString() => $"VisibleString \"{Value}\"";
    }
}
