namespace Meterline.HeadEnd.PowerQuality;

/// <summary>Where a voltage (or a frequency, <see cref="PowerQualityOptions.ClassifyFrequency"/>) lies against its nominal band.</summary>
public enum VoltageBand
{
    /// <summary>Below the no-supply level: an outage, not a quality problem.</summary>
    NoSupply = 0,

    /// <summary>Below the band's lower limit.</summary>
    Under = 1,

    /// <summary>Within the band, its limits included.</summary>
    Normal = 2,

    /// <summary>Above the band's upper limit.</summary>
    Over = 3,
}
