namespace Meterline.HeadEnd.Meters;

/// <summary>The state of a meter's keys as the head-end knows it.</summary>
public enum KeyStatus
{
    /// <summary>The keys the head-end holds are the meter's.</summary>
    Active = 0,

    /// <summary>A key transfer was sent and not yet confirmed: both the old and the new keys may be in use.</summary>
    Rotating = 1,

    /// <summary>The meter reported a physical tamper (cover open) and erased its keys: compromised until re-keyed.</summary>
    Compromised = 2,
}
