namespace Meterline.Dlms.Cosem;

public abstract partial record CosemData
{
    /// <summary>utf8-string (tag 12): the length counts bytes of UTF-8, not characters.</summary>
    public sealed record Utf8String(string Value) : CosemData
    {
        public override DataTag Tag => DataTag.Utf8String;

        public override string ToString() => $"Utf8String \"{Value}\"";
    }
}
