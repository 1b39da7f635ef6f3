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

    /// <summary>The maximum-demand charge on the billed demand (kW).</summary>
    Demand = 4,

    /// <summary>The penalty on recorded demand above the sanctioned load (kW).</summary>
    ExcessDemand = 5,

    /// <summary>The credit for exported energy (negative).</summary>
    ExportCredit = 6,
}
