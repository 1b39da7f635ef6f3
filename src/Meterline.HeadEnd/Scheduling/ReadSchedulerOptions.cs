using Meterline.HeadEnd.Readings;

namespace Meterline.HeadEnd.Scheduling;

/// <summary>What <see cref="ReadScheduler"/> reads, how often, and how much at once.</summary>
public sealed record ReadSchedulerOptions
{
    /// <summary>How often the scheduler looks for silent meters.</summary>
    public TimeSpan TickInterval { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How often a meter is expected to push (its block period). A meter silent for twice this is read.</summary>
    public TimeSpan ExpectedInterval { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>The least time between two scheduled reads of one meter (also when the previous one failed).</summary>
    public TimeSpan MinReadInterval { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>How far back a scheduled read fetches the load profile when the head-end holds nothing newer.</summary>
    public TimeSpan MaxBackfill { get; init; } = TimeSpan.FromDays(1);

    /// <summary>Reads created in one tick, at most.</summary>
    public int MaxPerTick { get; init; } = 100;

    /// <summary>Scheduled reads not yet finished (Requested or Sent), at most: no new ones while this many are open.</summary>
    public int MaxOutstanding { get; init; } = 200;

    /// <summary>Open commands looked at to count the outstanding ones.</summary>
    public int OutstandingScanLimit { get; init; } = 10_000;

    /// <summary>Registry page size, and pages looked at per tick (the next tick continues where this one stopped).</summary>
    public int PageSize { get; init; } = 500;

    public int MaxPagesPerTick { get; init; } = 20;

    /// <summary>Registers read with the profile.</summary>
    public IReadOnlyList<Quantity> Quantities { get; init; } = [Quantity.CumulativeImportEnergy, Quantity.CumulativeExportEnergy];

    /// <summary>The actor the scheduler's commands are requested by.</summary>
    public string Actor { get; init; } = "scheduler";

    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(TickInterval, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ExpectedInterval, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(MinReadInterval, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(MaxBackfill, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxPerTick, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxOutstanding, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(OutstandingScanLimit, MaxOutstanding);
        ArgumentOutOfRangeException.ThrowIfLessThan(PageSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(PageSize, 1000);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxPagesPerTick, 1);
        ArgumentException.ThrowIfNullOrWhiteSpace(Actor);
    }
}
