namespace Meterline.HeadEnd.Commands.Approvals;

/// <summary>Limits of <see cref="CommandApprovalService"/> (docs/commands.md, "Bulk commands and approval").</summary>
public sealed record ApprovalOptions
{
    /// <summary>A bulk disconnect of MORE meters than this waits for a second operator; up to it, its commands are created at once.</summary>
    public int Threshold { get; init; } = 10;

    /// <summary>How long a request waits for a decision before it expires.</summary>
    public TimeSpan Lifetime { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Most meters one bulk request may name.</summary>
    public int MaxMeters { get; init; } = 5_000;

    /// <summary>Longest actor name and note.</summary>
    public int MaxTextLength { get; init; } = 128;

    /// <summary>How often the loop expires undecided requests and finishes approved ones a restart interrupted.</summary>
    public TimeSpan SweepInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Most requests one sweep expires or finishes.</summary>
    public int SweepBatch { get; init; } = 100;

    /// <exception cref="ArgumentOutOfRangeException">A limit is out of range.</exception>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Threshold, 1, nameof(Threshold));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxMeters, 1, nameof(MaxMeters));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxMeters, 100_000, nameof(MaxMeters));
        ArgumentOutOfRangeException.ThrowIfLessThan(Lifetime, TimeSpan.FromMinutes(1), nameof(Lifetime));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Lifetime, TimeSpan.FromDays(7), nameof(Lifetime));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxTextLength, 16, nameof(MaxTextLength));
        ArgumentOutOfRangeException.ThrowIfLessThan(SweepInterval, TimeSpan.FromMilliseconds(10), nameof(SweepInterval));
        ArgumentOutOfRangeException.ThrowIfLessThan(SweepBatch, 1, nameof(SweepBatch));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(SweepBatch, 10_000, nameof(SweepBatch));
    }
}
