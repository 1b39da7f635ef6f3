namespace Meterline.HeadEnd.Ingest;

/// <summary>Limits of the back-fill service.</summary>
public sealed record BackfillOptions
{
    /// <summary>Meters read at the same time.</summary>
    public int MaxConcurrency { get; init; } = 4;

    /// <summary>Meters back-filled per run at most; the rest wait for the next run.</summary>
    public int MaxMetersPerRun { get; init; } = 200;

    /// <summary>Gap ranges read per meter per run at most (oldest first).</summary>
    public int MaxRangesPerMeter { get; init; } = 8;

    /// <summary>Time between runs of <see cref="BackfillService.RunAsync"/>.</summary>
    public TimeSpan Period { get; init; } = TimeSpan.FromHours(1);

    /// <summary>How long one meter's session may take.</summary>
    public TimeSpan SessionTimeout { get; init; } = TimeSpan.FromMinutes(2);

    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxConcurrency, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxMetersPerRun, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxRangesPerMeter, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(Period, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(SessionTimeout, TimeSpan.Zero);
    }
}
