namespace Meterline.Dlms.Cosem;

public abstract partial record CosemData
{
    /// <summary>double-long (tag 5): Integer32.</summary>
    public sealed record DoubleLong(int Value) : CosemData
    {
        public override DataTag Tag => DataTag.DoubleLong;

        public override string ToString() => System.FormattableString.Invariant($"DoubleLong {Value}");
    }
}
