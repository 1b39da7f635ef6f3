namespace Meterline.HeadEnd.Analytics;

/// <summary>
/// The categories of alerts (a string, so that later analytics — outages, power quality — add their own without a
/// schema change). At most <see cref="MaxLength"/> characters, lower-case words joined by '-'.
/// </summary>
public static class AlertCategory
{
    public const int MaxLength = 32;

    /// <summary>Physical interference reported by the meter (magnet, neutral disturbance, cover, reverse current).</summary>
    public const string Tamper = "tamper";

    /// <summary>A pattern in the data that suggests energy is taken without being measured.</summary>
    public const string Theft = "theft";

    /// <summary>Data that cannot be right (a cumulative register going down, the meter's clock moving backwards or jumping).</summary>
    public const string Integrity = "integrity";

    /// <summary>Energy lost between a transformer's meter and its consumers' meters.</summary>
    public const string Loss = "loss";
}
