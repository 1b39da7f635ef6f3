namespace Meterline.HeadEnd.Outages;

/// <summary>The alert category and rule ids outages are raised with (docs/outages.md).</summary>
public static class OutageCategories
{
    /// <summary>The alert category of every outage record.</summary>
    public const string Outage = "outage";

    /// <summary>The rule id of a feeder outage.</summary>
    public const string FeederRule = "feeder-outage";

    /// <summary>The rule id of a transformer outage.</summary>
    public const string TransformerRule = "transformer-outage";

    /// <summary>The rule id of one meter alone losing supply: a meter or service fault.</summary>
    public const string ServiceFaultRule = "service-fault";

    public static string RuleOf(OutageScope scope) => scope switch
    {
        OutageScope.Feeder => FeederRule,
        OutageScope.Transformer => TransformerRule,
        _ => ServiceFaultRule,
    };
}
