namespace Meterline.HeadEnd.Billing;

/// <summary>Why a month's consumption cannot be billed.</summary>
public enum ConsumptionProblem
{
    None = 0,

    /// <summary>Neither billing snapshots at both bounds nor a single day of interval data.</summary>
    NoData = 1,

    /// <summary>A cumulative register went down between the snapshots, or a block energy is negative: an integrity error, never billed.</summary>
    RegisterWentDown = 2,
}
