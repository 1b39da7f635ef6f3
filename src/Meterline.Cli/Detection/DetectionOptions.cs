using Meterline.HeadEnd.Analytics;
using Meterline.Simulator.Theft;
using Meterline.Simulator.Topology;

namespace Meterline.Cli.Detection;

/// <summary>What <c>meterline detection-report</c> runs and how it scores (docs/analytics.md "Detection record").</summary>
internal sealed record DetectionOptions
{
    /// <summary>Consumer meters (each transformer's meter comes on top).</summary>
    public int Meters { get; init; } = 1_000;

    /// <summary>Simulated days the fleet runs.</summary>
    public double Days { get; init; } = 7;

    /// <summary>Simulated seconds per real second.</summary>
    public double Speed { get; init; } = 1_500;

    /// <summary>The simulated start (a fixed instant, so a seed reproduces the run).</summary>
    public DateTimeOffset Start { get; init; } = new(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Seeds the households and the topology.</summary>
    public int Seed { get; init; } = 2;

    /// <summary>Seeds the thieves, their patterns and times.</summary>
    public int TheftSeed { get; init; } = 2;

    public TheftOptions Thefts { get; init; } = new();

    public TopologyOptions Topology { get; init; } = new();

    /// <summary>The head-end's analytics thresholds (the defaults are what is scored).</summary>
    public AnalyticsOptions Analytics { get; init; } = new();

    /// <summary>A theft counts as detected when an alert on its meter covers data from its start to this much after.</summary>
    public TimeSpan Delay { get; init; } = TimeSpan.FromHours(24);

    /// <summary>A meter counts as detected by the energy balance when ranked this high or higher …</summary>
    public int TopK { get; init; } = 2;

    /// <summary>… under a transformer whose loss over the run is at least this percentage, with positive evidence (hidden share × confidence).</summary>
    public double LossThresholdPercent { get; init; } = 5;

    /// <summary>Where the data goes (database, keys, fleet.json, meter state); null: a temporary directory, deleted afterwards.</summary>
    public string? DataDirectory { get; init; }

    /// <summary>The markdown report.</summary>
    public string ReportPath { get; init; } = "detection-report.md";

    /// <summary>The truth file; null: in the data directory.</summary>
    public string? TruthPath { get; init; }

    public required string ProfilesDirectory { get; init; }
}
