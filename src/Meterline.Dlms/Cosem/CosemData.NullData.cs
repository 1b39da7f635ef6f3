namespace Meterline.Dlms.Cosem;

public abstract partial record CosemData
{
    /// <summary>null-data (tag 0): no value.</summary>
    public sealed record NullData : CosemData
    {
        private NullData()
        {
        }

        public static NullData Instance { get; } = new();

        public override DataTag Tag => DataTag.NullData;

        public override string ToString() => "NullData";
    }
}
