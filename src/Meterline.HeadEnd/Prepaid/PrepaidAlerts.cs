namespace Meterline.HeadEnd.Prepaid;

/// <summary>The alert a low balance raises (through <see cref="Analytics.AlertService"/>, so audited and published northbound).</summary>
public static class PrepaidAlerts
{
    /// <summary>The alert category of prepaid warnings.</summary>
    public const string Category = "prepaid";

    /// <summary>The rule id of the low-balance warning.</summary>
    public const string LowBalanceRule = "prepaid-low-balance";
}
