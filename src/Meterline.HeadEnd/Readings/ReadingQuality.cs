namespace Meterline.HeadEnd.Readings;

/// <summary>Where a stored value came from. Only <see cref="Authenticated"/> values are billed.</summary>
[Flags]
public enum ReadingQuality : short
{
    None = 0,

    /// <summary>Carried in an authenticated (GMAC tag verified) APDU from the meter.</summary>
    Authenticated = 1,

    /// <summary>Read by the head-end to fill a gap (a range read of the load profile), not pushed.</summary>
    BackFilled = 2,

    /// <summary>Estimated by the head-end, not measured.</summary>
    Estimated = 4,

    /// <summary>The meter flagged its clock as invalid or doubtful when it captured the value.</summary>
    ClockDoubtful = 8,
}
