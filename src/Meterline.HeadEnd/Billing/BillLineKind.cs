namespace Meterline.HeadEnd.Billing;

/// <summary>What a line of a bill charges for.</summary>
public enum BillLineKind
{
    /// <summary>The kWh of one slab at its rate.</summary>
    Energy = 0,

    /// <summary>A time-of-use zone's surcharge (positive) or rebate (negative).</summary>
    TimeOfUse = 1,

    /// <summary>The fixed monthly charge (with its part per sanctioned kW).</summary>
    Fixed = 2,

    /// <summary>A tax or duty.</summary>
    Tax = 3,
}
