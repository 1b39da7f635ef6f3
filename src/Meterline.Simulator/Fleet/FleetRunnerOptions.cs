namespace Meterline.Simulator.Fleet;

/// <summary>How often a <see cref="FleetRunner"/> does its work, in real time.</summary>
public sealed record FleetRunnerOptions
{
    /// <summary>Every meter is stepped to now once per tick period.</summary>
    public TimeSpan TickPeriod { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The tick period is cut into this many slices, each stepping its share of the meters (no bursts).</summary>
    public int Slices { get; init; } = 10;

    /// <summary>How often the meters' pushes are drained.</summary>
    public TimeSpan PumpPeriod { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How often every meter's registers are saved (counters and keys are saved as they change anyway).</summary>
    public TimeSpan SaveInterval { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Meters stepped in parallel.</summary>
    public int MaxParallelism { get; init; } = Environment.ProcessorCount;

    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(TickPeriod, TimeSpan.FromMilliseconds(10));
        ArgumentOutOfRangeException.ThrowIfLessThan(Slices, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Slices, 100);
        ArgumentOutOfRangeException.ThrowIfLessThan(PumpPeriod, TimeSpan.FromMilliseconds(10));
        ArgumentOutOfRangeException.ThrowIfLessThan(SaveInterval, TimeSpan.FromSeconds(1));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxParallelism, 1);
    }
}
