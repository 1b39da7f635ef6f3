using System.Collections.Immutable;
using Meterline.Dlms.Cosem;

namespace Meterline.Meter.Control;

/// <summary>
/// One calendar of "Activity calendar" (Blue Book 4.5.5, class 20): calendar_name, season_profile,
/// week_profile_table and day_profile_table, the active or the passive set. Bounds: names ≤ 16 bytes, ≤
/// <see cref="MaxSeasons"/> seasons, ≤ <see cref="MaxWeekProfiles"/> week profiles (distinct names), ≤
/// <see cref="MaxDayProfiles"/> day profiles (distinct day_ids).
/// </summary>
public sealed record ActivityCalendarTables(
    ReadOnlyMemory<byte> CalendarName,
    ImmutableArray<SeasonProfile> Seasons,
    ImmutableArray<WeekProfile> WeekProfiles,
    ImmutableArray<DayProfile> DayProfiles)
{
    public const int MaxSeasons = 12;
    public const int MaxWeekProfiles = 8;
    public const int MaxDayProfiles = 16;

    /// <summary>No calendar: every instant is tariff zone 1.</summary>
    public static ActivityCalendarTables Empty { get; } = new(ReadOnlyMemory<byte>.Empty, [], [], []);

    /// <summary>True when every table is within its bounds and names and day_ids are distinct.</summary>
    public bool IsValid =>
        CalendarName.Length <= OctetNames.MaxLength
        && !Seasons.IsDefault && Seasons.Length <= MaxSeasons && Seasons.All(s => s.IsValid)
        && !WeekProfiles.IsDefault && WeekProfiles.Length <= MaxWeekProfiles && WeekProfiles.All(w => w.IsValid)
        && !WeekProfiles.Any(w => WeekProfiles.Count(o => OctetNames.Same(o.Name, w.Name)) > 1)
        && !DayProfiles.IsDefault && DayProfiles.Length <= MaxDayProfiles && DayProfiles.All(d => d.IsValid)
        && DayProfiles.Select(d => d.DayId).Distinct().Count() == DayProfiles.Length;

    /// <summary>True when valid and every week_name and day_id referenced exists.</summary>
    public bool IsConsistent =>
        IsValid
        && Seasons.All(s => FindWeek(s.WeekName) is not null)
        && WeekProfiles.All(w => w.DayIds.All(id => FindDay(id) is not null));

    /// <summary>
    /// The IS 15959 style default: one season from 1 January every year, one week, one day with TZ1 00:00–06:00
    /// (off-peak), TZ2 06:00–18:00 (normal), TZ3 18:00–22:00 (peak), TZ4 22:00–24:00 (normal, billed apart).
    /// </summary>
    public static ActivityCalendarTables Is15959Default()
    {
        var week = "W1"u8.ToArray();
        var season = new SeasonProfile(
            "S1"u8.ToArray(),
            new CosemDateTime(
                new CosemDate(CosemDate.YearNotSpecified, 1, 1, CosemDate.NotSpecified),
                new CosemTime(0, 0, 0, 0),
                CosemDateTime.DeviationNotSpecified,
                ClockStatus.NotSpecified),
            week);
        var script = DayProfileAction.TarifficationScriptTable;
        var day = new DayProfile(1, [
            new DayProfileAction(new CosemTime(0, 0, 0, 0), script, 1),
            new DayProfileAction(new CosemTime(6, 0, 0, 0), script, 2),
            new DayProfileAction(new CosemTime(18, 0, 0, 0), script, 3),
            new DayProfileAction(new CosemTime(22, 0, 0, 0), script, 4),
        ]);
        return new ActivityCalendarTables("IS15959-TOU"u8.ToArray(), [season], [new WeekProfile(week, [1, 1, 1, 1, 1, 1, 1])], [day]);
    }

    /// <summary>
    /// The script_selector in force at <paramref name="localTime"/>: the season with the latest start at or before
    /// it, that season's week profile, the weekday's day profile, and its last action starting at or before the time
    /// of day (before the day's first action, the previous day's last action still holds). Null when no season has
    /// started or the tables do not resolve.
    /// </summary>
    public int? ScriptSelectorAt(DateTime localTime) => ScriptSelectorAt(localTime, lookBack: true);

    public bool Equals(ActivityCalendarTables? other) =>
        other is not null && OctetNames.Same(CalendarName, other.CalendarName)
        && Seasons.SequenceEqual(other.Seasons) && WeekProfiles.SequenceEqual(other.WeekProfiles) && DayProfiles.SequenceEqual(other.DayProfiles);

    public override int GetHashCode() => HashCode.Combine(CalendarName.Length, Seasons.Length, WeekProfiles.Length, DayProfiles.Length);

    private int? ScriptSelectorAt(DateTime localTime, bool lookBack)
    {
        SeasonProfile? season = null;
        DateTime? seasonStart = null;
        foreach (var candidate in Seasons)
        {
            if (candidate.LatestStart(localTime) is { } start && (seasonStart is null || start > seasonStart))
            {
                season = candidate;
                seasonStart = start;
            }
        }

        if (season is null || FindWeek(season.WeekName) is not { } week || FindDay(week.DayIdFor(localTime.DayOfWeek)) is not { } day)
        {
            return null;
        }

        if (day.ActionAt(localTime.TimeOfDay) is { } action)
        {
            return action.ScriptSelector;
        }

        return lookBack ? ScriptSelectorAt(localTime.Date.AddTicks(-1), lookBack: false) : null;
    }

    private WeekProfile? FindWeek(ReadOnlyMemory<byte> name) => WeekProfiles.FirstOrDefault(w => OctetNames.Same(w.Name, name));

    private DayProfile? FindDay(byte id) => DayProfiles.FirstOrDefault(d => d.DayId == id);
}
