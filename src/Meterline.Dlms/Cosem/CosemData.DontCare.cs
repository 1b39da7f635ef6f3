namespace Meterline.Dlms.Cosem;

public abstract partial record CosemData
{
    /// <summary>dont-care (tag 255): a wildcard, used for example in selective access parameters.</summary>
    public sealed record DontCare : CosemData
    {
        private DontCare()
        {
        }

        public static DontCare Instance { get; } = new();

        public override DataTag Tag => DataTag.DontCare;

        public override string ToString() => "DontCare";
    }
}
