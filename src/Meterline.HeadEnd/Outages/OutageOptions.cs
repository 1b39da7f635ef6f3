namespace Meterline.HeadEnd.Outages;

/// <summary>
/// Thresholds of outage detection and how its service runs (docs/outages.md lists each with its default).
/// </summary>
public sealed record OutageOptions
{
    /// <summary>Losses learnt within this time of the first are grouped together.</summary>
    public TimeSpan GroupingWindow { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>A transformer is out when at least this many of its meters lost supply together (and at least 2)…</summary>
    public int MinimumMeters { get; init; } = 3;

    /// <summary>…or at least this share (0 to 1) of the meters registered under it (and at least 2).</summary>
    public double MinimumShare { get; init; } = 0.5;

    /// <summary>A feeder is out when at least this many of its transformers went out together.</summary>
    public int MinimumTransformers { get; init; } = 2;

    /// <summary>The meters' push period (the block period).</summary>
    public TimeSpan BlockPeriod { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>A meter silent for more than this many block periods has lost supply (or its link); 0 turns the check off.</summary>
    public int SilentPeriods { get; init; } = 3;

    /// <summary>How often the service groups what it learnt and looks for silent meters.</summary>
    public TimeSpan SweepPeriod { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How often the meters' transformers and feeders are read again from the registry.</summary>
    public TimeSpan TopologyRefreshPeriod { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>An interruption longer than this is sustained; one as long or shorter is momentary (IEEE 1366: 5 minutes).</summary>
    public TimeSpan SustainedThreshold { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Records taken from the feed per round.</summary>
    public int MaxRecordsPerRound { get; init; } = 10_000;

    /// <summary>Losses waiting to be grouped; more are grouped at once.</summary>
    public int MaxPendingLosses { get; init; } = 100_000;

    public void Validate()
    {
        if (GroupingWindow < TimeSpan.Zero || MinimumMeters < 2 || MinimumShare is <= 0 or > 1 || double.IsNaN(MinimumShare) || MinimumTransformers < 2
            || BlockPeriod <= TimeSpan.Zero || SilentPeriods < 0 || SweepPeriod <= TimeSpan.Zero || TopologyRefreshPeriod <= TimeSpan.Zero
            || SustainedThreshold < TimeSpan.Zero || MaxRecordsPerRound < 1 || MaxPendingLosses < 1)
        {
            throw new ArgumentException("Outage options: the grouping window and sustained threshold are not negative, at least 2 meters and 2 transformers group, the share is in (0, 1], the periods are positive and the bounds at least 1.");
        }
    }
}
