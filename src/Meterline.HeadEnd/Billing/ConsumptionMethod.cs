namespace Meterline.HeadEnd.Billing;

/// <summary>Where a month's consumption came from.</summary>
public enum ConsumptionMethod
{
    /// <summary>The difference of the cumulative registers in the billing snapshots (1.0.98.1.0.255) at the month's start and end.</summary>
    BillingSnapshots = 0,

    /// <summary>The sum of the month's block energy (1.0.1.29.0.255) of the load profile.</summary>
    IntervalData = 1,
}
