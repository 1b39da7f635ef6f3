using System.Collections.Immutable;
using Meterline.Dlms.Cosem;

namespace Meterline.Meter.Control;

/// <summary>
/// day_profile (Blue Book 4.5.5, class 20 day_profile_table): structure {day_id unsigned, day_schedule array of
/// day_profile_action}; 1 to <see cref="MaxActions"/> actions with distinct start times.
/// </summary>
public sealed record DayProfile(byte DayId, ImmutableArray<DayProfileAction> Schedule)
{
    /// <summary>Most actions in one day.</summary>
    public const int MaxActions = 16;

    /// <summary>True when the schedule has 1 to 16 valid actions with distinct start times.</summary>
    public bool IsValid =>
        !Schedule.IsDefault && Schedule.Length is >= 1 and <= MaxActions && Schedule.All(a => a.IsValid)
        && Schedule.Select(a => a.Start).Distinct().Count() == Schedule.Length;

    /// <summary>The action whose start is the latest at or before <paramref name="timeOfDay"/>, or null.</summary>
    public DayProfileAction? ActionAt(TimeSpan timeOfDay)
    {
        DayProfileAction? found = null;
        foreach (var action in Schedule)
        {
            if (action.Start <= timeOfDay && (found is null || action.Start > found.Value.Start))
            {
                found = action;
            }
        }

        return found;
    }

    public CosemData ToData() => new CosemData.Structure(
        new CosemData.Unsigned(DayId),
        new CosemData.Array(Schedule.Select(a => a.ToData()).ToImmutableArray()));

    public bool Equals(DayProfile? other) =>
        other is not null && DayId == other.DayId && Schedule.AsSpan().SequenceEqual(other.Schedule.AsSpan());

    public override int GetHashCode() => HashCode.Combine(DayId, Schedule.Length);
}
