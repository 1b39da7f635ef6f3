using System.Globalization;

namespace Meterline.Web.Shell;

/// <summary>Shows times in the utility's time zone (an IANA zone, e.g. Asia/Kolkata), and tells the current time.</summary>
public sealed class UtilityClock(TimeZoneInfo zone, TimeProvider time)
{
    public TimeZoneInfo Zone { get; } = zone;

    public string ZoneId => Zone.Id;

    public DateTimeOffset Now => time.GetUtcNow();

    public DateTimeOffset ToLocal(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, Zone);

    /// <summary>Date and time to the second in the utility's zone, e.g. 2026-03-01 05:30:00.</summary>
    public string Format(DateTimeOffset at) => ToLocal(at).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    public string Format(DateTimeOffset? at) => at is { } value ? Format(value) : "never";

    /// <summary>Hours and minutes only (chart axes).</summary>
    public string FormatShort(DateTimeOffset at) => ToLocal(at).ToString("HH:mm", CultureInfo.InvariantCulture);

    /// <summary>The calendar day in the utility's zone an instant falls on.</summary>
    public DateOnly LocalDate(DateTimeOffset at) => DateOnly.FromDateTime(ToLocal(at).DateTime);

    /// <summary>How long ago, in the largest whole unit (seconds, minutes, hours, days).</summary>
    public string Ago(DateTimeOffset? at)
    {
        if (at is not { } value)
        {
            return "never";
        }

        var age = Now - value;
        if (age < TimeSpan.Zero)
        {
            age = TimeSpan.Zero;
        }

        return age.TotalMinutes < 1 ? $"{(int)age.TotalSeconds} s ago"
            : age.TotalHours < 1 ? $"{(int)age.TotalMinutes} min ago"
            : age.TotalDays < 1 ? $"{(int)age.TotalHours} h ago"
            : $"{(int)age.TotalDays} d ago";
    }
}
