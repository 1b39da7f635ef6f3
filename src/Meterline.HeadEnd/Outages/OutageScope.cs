namespace Meterline.HeadEnd.Outages;

/// <summary>Where supply was lost: one meter's service, a distribution transformer, or a feeder.</summary>
public enum OutageScope
{
    /// <summary>One meter alone: a fault of the meter or of its service cable, not of the network.</summary>
    Meter = 0,

    /// <summary>Enough meters under one distribution transformer at once.</summary>
    Transformer = 1,

    /// <summary>Several transformers of one feeder at once.</summary>
    Feeder = 2,
}
