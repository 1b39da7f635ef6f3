using System.Collections.Immutable;
using Meterline.Dlms.Apdus;
using Meterline.Dlms.Cosem;

namespace Meterline.Meter.Control;

/// <summary>Reads the calendar attributes of class 20 from COSEM data (Blue Book 4.5.5), refusing bad shapes and bounds.</summary>
internal static class ActivityCalendarData
{
    public static DataAccessResult ReadName(CosemData value, out ReadOnlyMemory<byte> name)
    {
        name = default;
        if (value is not CosemData.OctetString octets)
        {
            return DataAccessResult.TypeUnmatched;
        }

        if (octets.Value.Length > OctetNames.MaxLength)
        {
            return DataAccessResult.OtherReason;
        }

        name = octets.Value.ToArray();
        return DataAccessResult.Success;
    }

    public static DataAccessResult ReadSeasons(CosemData value, out ImmutableArray<SeasonProfile> seasons)
    {
        seasons = default;
        if (value is not CosemData.Array { Items: { IsDefault: false } items })
        {
            return DataAccessResult.TypeUnmatched;
        }

        if (items.Length > ActivityCalendarTables.MaxSeasons)
        {
            return DataAccessResult.OtherReason;
        }

        var builder = ImmutableArray.CreateBuilder<SeasonProfile>(items.Length);
        foreach (var item in items)
        {
            if (item is not CosemData.Structure { Items: [CosemData.OctetString name, CosemData.OctetString start, CosemData.OctetString week] })
            {
                return DataAccessResult.TypeUnmatched;
            }

            if (!start.TryGetDateTime(out var startTime))
            {
                return DataAccessResult.OtherReason;
            }

            var season = new SeasonProfile(name.Value.ToArray(), startTime, week.Value.ToArray());
            if (!season.IsValid)
            {
                return DataAccessResult.OtherReason;
            }

            builder.Add(season);
        }

        seasons = builder.MoveToImmutable();
        return DataAccessResult.Success;
    }

    public static DataAccessResult ReadWeeks(CosemData value, out ImmutableArray<WeekProfile> weeks)
    {
        weeks = default;
        if (value is not CosemData.Array { Items: { IsDefault: false } items })
        {
            return DataAccessResult.TypeUnmatched;
        }

        if (items.Length > ActivityCalendarTables.MaxWeekProfiles)
        {
            return DataAccessResult.OtherReason;
        }

        var builder = ImmutableArray.CreateBuilder<WeekProfile>(items.Length);
        foreach (var item in items)
        {
            if (item is not CosemData.Structure { Items: { IsDefault: false, Length: 8 } members } || members[0] is not CosemData.OctetString name)
            {
                return DataAccessResult.TypeUnmatched;
            }

            var ids = ImmutableArray.CreateBuilder<byte>(7);
            foreach (var member in members.AsSpan()[1..])
            {
                if (member is not CosemData.Unsigned id)
                {
                    return DataAccessResult.TypeUnmatched;
                }

                ids.Add(id.Value);
            }

            var week = new WeekProfile(name.Value.ToArray(), ids.MoveToImmutable());
            if (!week.IsValid || builder.Any(w => OctetNames.Same(w.Name, week.Name)))
            {
                return DataAccessResult.OtherReason;
            }

            builder.Add(week);
        }

        weeks = builder.MoveToImmutable();
        return DataAccessResult.Success;
    }

    public static DataAccessResult ReadDays(CosemData value, out ImmutableArray<DayProfile> days)
    {
        days = default;
        if (value is not CosemData.Array { Items: { IsDefault: false } items })
        {
            return DataAccessResult.TypeUnmatched;
        }

        if (items.Length > ActivityCalendarTables.MaxDayProfiles)
        {
            return DataAccessResult.OtherReason;
        }

        var builder = ImmutableArray.CreateBuilder<DayProfile>(items.Length);
        foreach (var item in items)
        {
            if (item is not CosemData.Structure { Items: [CosemData.Unsigned dayId, CosemData.Array { Items: { IsDefault: false } schedule }] })
            {
                return DataAccessResult.TypeUnmatched;
            }

            if (schedule.Length > DayProfile.MaxActions)
            {
                return DataAccessResult.OtherReason;
            }

            var actions = ImmutableArray.CreateBuilder<DayProfileAction>(schedule.Length);
            foreach (var entry in schedule)
            {
                var result = ReadAction(entry, out var action);
                if (result != DataAccessResult.Success)
                {
                    return result;
                }

                actions.Add(action);
            }

            var day = new DayProfile(dayId.Value, actions.MoveToImmutable());
            if (!day.IsValid || builder.Any(d => d.DayId == day.DayId))
            {
                return DataAccessResult.OtherReason;
            }

            builder.Add(day);
        }

        days = builder.MoveToImmutable();
        return DataAccessResult.Success;
    }

    private static DataAccessResult ReadAction(CosemData entry, out DayProfileAction action)
    {
        action = default;
        if (entry is not CosemData.Structure { Items: [var start, CosemData.OctetString script, CosemData.LongUnsigned selector] })
        {
            return DataAccessResult.TypeUnmatched;
        }

        CosemTime time;
        switch (start)
        {
            case CosemData.Time t:
                time = t.Value;
                break;
            case CosemData.OctetString { Value.Length: CosemTime.EncodedLength } octets:
                CosemTime.TryDecode(octets.Value.Span, out time, out _);
                break;
            case CosemData.OctetString:
                return DataAccessResult.OtherReason;
            default:
                return DataAccessResult.TypeUnmatched;
        }

        if (script.Value.Length != ObisCode.EncodedLength)
        {
            return DataAccessResult.OtherReason;
        }

        action = new DayProfileAction(time, ObisCode.Decode(script.Value.Span, out _), selector.Value);
        return action.IsValid ? DataAccessResult.Success : DataAccessResult.OtherReason;
    }
}
