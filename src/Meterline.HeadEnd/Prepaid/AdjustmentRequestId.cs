namespace Meterline.HeadEnd.Prepaid;

/// <summary>The id of an adjustment waiting for (or decided by) a second admin.</summary>
public readonly record struct AdjustmentRequestId(long Value)
{
    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
