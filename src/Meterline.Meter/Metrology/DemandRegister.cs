namespace Meterline.Meter.Metrology;

/// <summary>
/// Block demand of active import (IS 15959 maximum demand 1.0.1.6.0.255, IC 4 Extended register; the averaging of
/// the Blue Book IC 5 Demand register with one sub-period): the average active power over each demand integration
/// period, blocks aligned to the meter's clock (<see cref="ClockBlocks"/>), and the highest block average since the
/// last reset with the meter time of the end of the block that set it.
/// </summary>
/// <remarks>
/// Fed after each metrology step with the step's import energy and the meter time at its end; an increment belongs to
/// the block its end falls in (a step straddling a boundary counts wholly in the later block). A block closes when an
/// increment ends exactly on its end or when an increment falls in another block (the next block, or any other after
/// a gap or a clock change); its average is its energy over the whole period, so a block the meter was off for part of
/// averages the energy it saw. Not thread-safe.
/// </remarks>
public sealed class DemandRegister
{
    /// <summary>The default demand integration period, 30 minutes (IS 15959; 15 is the other common value).</summary>
    public static readonly TimeSpan DefaultPeriod = TimeSpan.FromMinutes(30);

    private double _blockWh;
    private DateTimeOffset? _blockEnd;

    /// <summary>A register with the default 30-minute period.</summary>
    public DemandRegister()
        : this(DefaultPeriod)
    {
    }

    /// <param name="period">The demand integration period: whole minutes dividing a day (<see cref="ClockBlocks"/>).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="period"/> is not valid.</exception>
    public DemandRegister(TimeSpan period)
    {
        if (!ClockBlocks.IsValidPeriod(period))
        {
            throw new ArgumentOutOfRangeException(nameof(period), period, "A period is a whole number of minutes that divides a day");
        }

        Period = period;
    }

    /// <summary>The demand integration period (<c>period</c>).</summary>
    public TimeSpan Period { get; private set; }

    /// <summary>The maximum demand since the last reset, W (0 after a reset).</summary>
    public double MaximumDemandWatts { get; private set; }

    /// <summary>The meter time of the end of the block that set <see cref="MaximumDemandWatts"/> (<c>capture_time</c>); null after a reset.</summary>
    public DateTimeOffset? CaptureTime { get; private set; }

    /// <summary>The average of the last closed block, W (<c>last_average_value</c>).</summary>
    public double LastAverageWatts { get; private set; }

    /// <summary>The meter time of the end of the last closed block; null before the first.</summary>
    public DateTimeOffset? LastBlockEnd { get; private set; }

    /// <summary>The energy of the open block so far over the whole period, W (<c>current_average_value</c>).</summary>
    public double CurrentAverageWatts => _blockWh / Period.TotalHours;

    /// <summary>
    /// Changes the period (a client write of the demand integration period). Refused, changing nothing, unless the
    /// period is whole minutes dividing a day; accepted, the open block is discarded and the next starts afresh.
    /// </summary>
    public bool TrySetPeriod(TimeSpan period)
    {
        if (!ClockBlocks.IsValidPeriod(period))
        {
            return false;
        }

        Period = period;
        _blockWh = 0;
        _blockEnd = null;
        return true;
    }

    /// <summary>Adds an import energy increment that ended at meter time <paramref name="meterTime"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="importWh"/> is negative or not finite.</exception>
    public void Add(double importWh, DateTimeOffset meterTime)
    {
        if (!(importWh >= 0 && double.IsFinite(importWh)))
        {
            throw new ArgumentOutOfRangeException(nameof(importWh), importWh, "An energy increment is finite and not negative");
        }

        var end = ClockBlocks.BlockEnd(meterTime, Period);
        if (_blockEnd is { } open && open != end)
        {
            CloseBlock(open);
        }

        _blockEnd = end;
        _blockWh += importWh;
        if (meterTime == end)
        {
            CloseBlock(end);
        }
    }

    /// <summary>Clears the maximum demand and its capture time (billing reset); the open block goes on.</summary>
    public void Reset()
    {
        MaximumDemandWatts = 0;
        CaptureTime = null;
    }

    private void CloseBlock(DateTimeOffset end)
    {
        var average = _blockWh / Period.TotalHours;
        LastAverageWatts = average;
        LastBlockEnd = end;
        if (average > MaximumDemandWatts)
        {
            MaximumDemandWatts = average;
            CaptureTime = end;
        }

        _blockWh = 0;
        _blockEnd = null;
    }
}
