namespace Meterline.HeadEnd.Ingest;

/// <summary>What a meter's push carries (the paper's non-operation and event classes).</summary>
public enum PushKind
{
    /// <summary>Interval (block load) profile entries and the cumulative registers.</summary>
    Usage = 0,

    /// <summary>A billing profile entry.</summary>
    Billing = 1,

    /// <summary>An event with the instantaneous values (tamper, voltage, outage): goes ahead of usage data.</summary>
    Alert = 2,
}
