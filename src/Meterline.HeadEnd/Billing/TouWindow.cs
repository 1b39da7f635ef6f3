using System.Globalization;

namespace Meterline.HeadEnd.Billing;

/// <summary>
/// A daily window of local time [start, end) in minutes from midnight (0 to 1440), in the tariff's time zone; a window
/// whose end is before its start runs over midnight (22:00-06:00). Written <c>HH:mm-HH:mm</c>, 24:00 allowed as an end.
/// </summary>
public readonly record struct TouWindow(int StartMinute, int EndMinute)
{
    /// <summary>Whether the local time of day (minutes from midnight, 0 to 1439) falls in the window.</summary>
    public bool Contains(int minuteOfDay) =>
        StartMinute <= EndMinute ? minuteOfDay >= StartMinute && minuteOfDay < EndMinute : minuteOfDay >= StartMinute || minuteOfDay < EndMinute;

    /// <summary>Parses <c>HH:mm-HH:mm</c>; false for anything else or an empty window.</summary>
    public static bool TryParse(string? text, out TouWindow window)
    {
        window = default;
        if (text is not { Length: 11 } || text[5] != '-' || !TryMinutes(text.AsSpan(0, 5), out var start) || !TryMinutes(text.AsSpan(6, 5), out var end)
            || start == 1440 || start == end)
        {
            return false;
        }

        window = new TouWindow(start, end);
        return true;
    }

    public override string ToString() => $"{Format(StartMinute)}-{Format(EndMinute)}";

    private static bool TryMinutes(ReadOnlySpan<char> text, out int minutes)
    {
        minutes = 0;
        if (text[2] != ':' || !int.TryParse(text[..2], NumberStyles.None, CultureInfo.InvariantCulture, out var h)
            || !int.TryParse(text[3..], NumberStyles.None, CultureInfo.InvariantCulture, out var m) || m > 59 || h > 24 || (h == 24 && m != 0))
        {
            return false;
        }

        minutes = (h * 60) + m;
        return true;
    }

    private static string Format(int minutes) => string.Create(CultureInfo.InvariantCulture, $"{minutes / 60:D2}:{minutes % 60:D2}");
}
