namespace Meterline.HeadEnd.DemandControl;

/// <summary>The id of a group load limit request.</summary>
public readonly record struct DemandLimitId(long Value)
{
    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
