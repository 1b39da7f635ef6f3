using Meterline.HeadEnd.Readings;

namespace Meterline.HeadEnd.Ingest;

/// <summary>What counts as a gap.</summary>
public sealed record GapDetectorOptions
{
    /// <summary>The block (capture) period of the meters' load profile; interval ends fall on multiples of it since the Unix epoch.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>How far back to look.</summary>
    public TimeSpan LookBack { get; init; } = TimeSpan.FromHours(24);

    /// <summary>How long after its end an interval may still arrive by push before it counts as missing.</summary>
    public TimeSpan Grace { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>The quantity whose stored interval times are compared with the expected ones.</summary>
    public Quantity Quantity { get; init; } = Quantity.BlockImportEnergy;

    /// <summary>At most this many intervals are expected in one look-back (bounds the work per meter).</summary>
    public const int MaxIntervals = 100_000;

    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Interval, TimeSpan.FromMinutes(1));
        ArgumentOutOfRangeException.ThrowIfLessThan(LookBack, Interval);
        ArgumentOutOfRangeException.ThrowIfLessThan(Grace, TimeSpan.Zero);
        if (LookBack.Ticks / Interval.Ticks > MaxIntervals)
        {
            throw new ArgumentOutOfRangeException(nameof(LookBack), LookBack, $"A look-back spans at most {MaxIntervals} intervals.");
        }
    }
}
