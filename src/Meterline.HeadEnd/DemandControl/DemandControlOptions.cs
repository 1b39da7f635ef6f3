namespace Meterline.HeadEnd.DemandControl;

/// <summary>Limits of <see cref="DemandControlService"/>.</summary>
public sealed record DemandControlOptions
{
    /// <summary>Most meters one group load limit may reach; a larger group is refused.</summary>
    public int MaxGroupSize { get; init; } = 5_000;

    /// <summary>Most member commands created per <see cref="FanOutInterval"/> (the fan-out rate).</summary>
    public int CommandsPerInterval { get; init; } = 50;

    /// <summary>How often the fan-out creates the next members' commands.</summary>
    public TimeSpan FanOutInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest actor name (as for commands).</summary>
    public int MaxTextLength { get; init; } = 128;

    /// <exception cref="ArgumentOutOfRangeException">A limit is out of range.</exception>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxGroupSize, 1, nameof(MaxGroupSize));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxGroupSize, 100_000, nameof(MaxGroupSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(CommandsPerInterval, 1, nameof(CommandsPerInterval));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(CommandsPerInterval, 1_000, nameof(CommandsPerInterval));
        ArgumentOutOfRangeException.ThrowIfLessThan(FanOutInterval, TimeSpan.FromMilliseconds(10), nameof(FanOutInterval));
    }
}
