namespace Meterline.HeadEnd.Commands;

/// <summary>Limits of <see cref="CommandService"/>: deadlines per kind and how far ahead and how wide commands may reach.</summary>
public sealed record CommandServiceOptions
{
    /// <summary>How long a command may take from its earliest send time (now, or NotBefore) to confirmation, per kind.</summary>
    public IReadOnlyDictionary<CommandKind, TimeSpan> Deadlines { get; init; } = new Dictionary<CommandKind, TimeSpan>
    {
        [CommandKind.Read] = TimeSpan.FromMinutes(15),
        [CommandKind.Connect] = TimeSpan.FromMinutes(5),
        [CommandKind.Disconnect] = TimeSpan.FromMinutes(5),
        [CommandKind.TimeSync] = TimeSpan.FromMinutes(5),
        [CommandKind.ActivityCalendar] = TimeSpan.FromMinutes(15),
        [CommandKind.KeyRotation] = TimeSpan.FromMinutes(15),
    };

    /// <summary>The deadline of a kind missing from <see cref="Deadlines"/>.</summary>
    public TimeSpan DefaultDeadline { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>How far ahead a command may be scheduled (NotBefore).</summary>
    public TimeSpan MaxScheduleAhead { get; init; } = TimeSpan.FromDays(31);

    /// <summary>The widest load profile range one read asks for (the meter keeps 35 days).</summary>
    public TimeSpan MaxProfileSpan { get; init; } = TimeSpan.FromDays(35);

    /// <summary>How far ahead an activity calendar may be activated.</summary>
    public TimeSpan MaxActivationAhead { get; init; } = TimeSpan.FromDays(366);

    /// <summary>Longest actor name and idempotency key.</summary>
    public int MaxTextLength { get; init; } = 128;

    public TimeSpan DeadlineFor(CommandKind kind) => Deadlines.TryGetValue(kind, out var deadline) ? deadline : DefaultDeadline;
}
