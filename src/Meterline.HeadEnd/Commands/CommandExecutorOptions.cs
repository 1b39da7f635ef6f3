namespace Meterline.HeadEnd.Commands;

/// <summary>Tolerances of <see cref="CommandExecutor"/>.</summary>
public sealed record CommandExecutorOptions
{
    /// <summary>How far the meter's clock may be from the head-end's after a time sync for it to be confirmed.</summary>
    public TimeSpan ClockTolerance { get; init; } = TimeSpan.FromSeconds(10);
}
