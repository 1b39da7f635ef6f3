namespace Meterline.HeadEnd.Analytics.Rules;

/// <summary>Which meter events become tamper alerts, with what severity (defaults: the IS 15959 codes of profiles/is15959-single-phase.json).</summary>
public sealed record TamperEventOptions
{
    public IReadOnlyList<TamperEventMapping> Events { get; init; } =
    [
        new(201, 202, "magnet influence", AlertSeverity.Critical),
        new(203, 204, "neutral disturbance", AlertSeverity.Critical),
        new(251, null, "cover open", AlertSeverity.Critical),
        new(51, 52, "reverse current", AlertSeverity.Warning),
        new(69, 70, "earth loading", AlertSeverity.Warning),
    ];

    /// <summary>How far back the rule looks for an occurrence whose restoration arrived (so that the pair gives a duration).</summary>
    public TimeSpan Lookback { get; init; } = TimeSpan.FromDays(2);

    /// <summary>Throws <see cref="ArgumentException"/> for a threshold out of range.</summary>
    public void Validate()
    {
        if (Events.Count == 0 || Events.Any(e => e is null || e.OccurrenceCode is < 0 or > 255 || e.RestorationCode is < 0 or > 255 || string.IsNullOrWhiteSpace(e.Name) || !Enum.IsDefined(e.Severity)) || Events.GroupBy(e => e.OccurrenceCode).Any(g => g.Count() > 1) || Lookback <= TimeSpan.Zero)
        {
            throw new ArgumentException("Tamper events: at least one mapping, each with an occurrence code (0 to 255, once), an optional restoration code, a name and a severity; a positive look-back.");
        }
    }
}
