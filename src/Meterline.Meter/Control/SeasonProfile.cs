using Meterline.Dlms.Cosem;

namespace Meterline.Meter.Control;

/// <summary>
/// season (Blue Book 4.5.5, class 20 season_profile): structure {season_profile_name octet-string, season_start
/// octet-string (date-time), week_name octet-string}. season_start may leave the year not specified (every year)
/// or the month not specified (every month); a time field not specified counts as 0; day of week, deviation and
/// status are ignored (the meter's local time applies).
/// </summary>
public sealed record SeasonProfile(ReadOnlyMemory<byte> Name, CosemDateTime Start, ReadOnlyMemory<byte> WeekName)
{
    /// <summary>True when the names fit and season_start is a pattern this class can place in time.</summary>
    public bool IsValid
    {
        get
        {
            var date = Start.Date;
            var time = Start.Time;
            return Name.Length <= OctetNames.MaxLength && WeekName.Length <= OctetNames.MaxLength
                && (date.Year == CosemDate.YearNotSpecified || date.Year is >= 1 and <= 9999)
                && (date.Month == CosemDate.NotSpecified || date.Month is >= 1 and <= 12)
                && (date.DayOfMonth is >= 1 and <= 31 or CosemDate.LastDayOfMonth or CosemDate.SecondLastDayOfMonth)
                && (time.Hour == CosemTime.NotSpecified || time.Hour <= 23)
                && (time.Minute == CosemTime.NotSpecified || time.Minute <= 59)
                && (time.Second == CosemTime.NotSpecified || time.Second <= 59);
        }
    }

    /// <summary>The latest start of this season at or before <paramref name="localNow"/>, or null when none.</summary>
    public DateTime? LatestStart(DateTime localNow)
    {
        var date = Start.Date;
        int[] years = date.Year == CosemDate.YearNotSpecified ? [localNow.Year, localNow.Year - 1] : [date.Year];
        DateTime? best = null;
        foreach (var year in years)
        {
            if (year < 1)
            {
                continue;
            }

            for (var month = 1; month <= 12; month++)
            {
                if (date.Month != CosemDate.NotSpecified && date.Month != month)
                {
                    continue;
                }

                var days = DateTime.DaysInMonth(year, month);
                var day = date.DayOfMonth switch
                {
                    CosemDate.LastDayOfMonth => days,
                    CosemDate.SecondLastDayOfMonth => days - 1,
                    var d => d,
                };
                if (day > days)
                {
                    continue;
                }

                var candidate = new DateTime(year, month, day, Field(Start.Time.Hour), Field(Start.Time.Minute), Field(Start.Time.Second));
                if (candidate <= localNow && (best is null || candidate > best))
                {
                    best = candidate;
                }
            }
        }

        return best;
    }

    public CosemData ToData() => new CosemData.Structure(
        new CosemData.OctetString(Name),
        CosemData.OctetString.FromDateTime(Start),
        new CosemData.OctetString(WeekName));

    public bool Equals(SeasonProfile? other) =>
        other is not null && OctetNames.Same(Name, other.Name) && Start == other.Start && OctetNames.Same(WeekName, other.WeekName);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        OctetNames.Add(ref hash, Name);
        hash.Add(Start);
        OctetNames.Add(ref hash, WeekName);
        return hash.ToHashCode();
    }

    private static int Field(byte value) => value == CosemTime.NotSpecified ? 0 : value;
}
