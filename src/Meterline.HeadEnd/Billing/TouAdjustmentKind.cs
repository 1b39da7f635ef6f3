namespace Meterline.HeadEnd.Billing;

/// <summary>How a time-of-use zone changes the energy charge.</summary>
public enum TouAdjustmentKind
{
    /// <summary>A percentage of the zone's share of the energy charge (positive: surcharge, negative: rebate).</summary>
    Percent = 0,

    /// <summary>An amount per kWh consumed in the zone (positive: surcharge, negative: rebate).</summary>
    RatePerKwh = 1,
}
