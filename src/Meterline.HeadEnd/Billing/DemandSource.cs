namespace Meterline.HeadEnd.Billing;

/// <summary>Where a month's maximum demand came from.</summary>
public enum DemandSource
{
    /// <summary>The maximum demand register (1.0.1.6.0.255) frozen in the billing snapshot that closes the month.</summary>
    BillingSnapshot = 0,

    /// <summary>The highest average power over one demand integration period, from the load profile's block energy.</summary>
    IntervalData = 1,
}
