using Meterline.HeadEnd.Communication;

namespace Meterline.HeadEnd.Commands;

/// <summary>
/// Write the meter's Limiter and read it back (Confirmed only when the read-back matches), or, with no
/// <see cref="Settings"/>, only read it. <see cref="Unit"/>, when given, must be the unit of the meter's monitored
/// value, else nothing is written.
/// </summary>
public sealed record LoadLimitParameters(LimiterSettings? Settings, string? Unit = null) : CommandParameters
{
    /// <summary>Highest threshold (W or VA): 1 MW, far above any consumer's supply.</summary>
    public const uint MaxThreshold = 1_000_000;

    /// <summary>Longest min_over / min_under_threshold_duration (s): one day.</summary>
    public const uint MaxDurationSeconds = 86_400;

    /// <summary>Shortest emergency profile duration.</summary>
    public static readonly TimeSpan MinEmergencyDuration = TimeSpan.FromMinutes(1);

    /// <summary>Longest emergency profile duration.</summary>
    public static readonly TimeSpan MaxEmergencyDuration = TimeSpan.FromDays(7);

    /// <summary>The units a monitored value may have: W (active power) or VA (apparent power).</summary>
    public static IReadOnlyList<string> Units { get; } = ["W", "VA"];

    public override CommandKind Kind => CommandKind.LoadLimit;

    /// <summary>True for a read of the Limiter that writes nothing.</summary>
    public bool IsReadOnly => Settings is null;
}
