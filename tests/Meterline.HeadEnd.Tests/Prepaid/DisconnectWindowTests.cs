using Meterline.HeadEnd.Billing;
using Meterline.HeadEnd.Prepaid;

namespace Meterline.HeadEnd.Tests.Prepaid;

/// <summary>The allowed hours of a prepaid disconnect: 10:00–16:00 in Asia/Kolkata, working days, with a holiday.</summary>
public sealed class DisconnectWindowTests
{
    private static readonly TimeZoneInfo Kolkata = TimeZoneInfo.FindSystemTimeZoneById("Asia/Kolkata");
    private static readonly TimeSpan Ist = TimeSpan.FromHours(5.5);

    // 2026-03-13 is a Friday, 2026-03-16 a Monday (a holiday here), 2026-03-17 a Tuesday.
    private static readonly DisconnectWindow Window = DisconnectWindow.Default with { Holidays = new HashSet<DateOnly> { new(2026, 3, 16) } };

    [Theory]
    [InlineData(2026, 3, 13, 10, 0, true)]
    [InlineData(2026, 3, 13, 15, 59, true)]
    [InlineData(2026, 3, 13, 16, 0, false)]
    [InlineData(2026, 3, 13, 9, 59, false)]
    [InlineData(2026, 3, 13, 23, 0, false)]
    [InlineData(2026, 3, 14, 11, 0, false)]
    [InlineData(2026, 3, 16, 11, 0, false)]
    [InlineData(2026, 3, 17, 11, 0, true)]
    public void IsAllowed_LocalTime_OnlyWorkingDaysBetweenTenAndFour(int year, int month, int day, int hour, int minute, bool allowed) =>
        Assert.Equal(allowed, Window.IsAllowed(new DateTimeOffset(year, month, day, hour, minute, 0, Ist), Kolkata));

    [Fact]
    public void NextAllowed_FridayNight_IsTuesdayTenBecauseOfTheWeekendAndTheHoliday() =>
        Assert.Equal(new DateTimeOffset(2026, 3, 17, 10, 0, 0, Ist), Window.NextAllowed(new DateTimeOffset(2026, 3, 13, 22, 30, 0, Ist), Kolkata));

    [Fact]
    public void NextAllowed_EarlyMorning_IsTenTheSameDay() =>
        Assert.Equal(new DateTimeOffset(2026, 3, 13, 10, 0, 0, Ist), Window.NextAllowed(new DateTimeOffset(2026, 3, 13, 6, 0, 0, Ist), Kolkata));

    [Fact]
    public void NextAllowed_InsideTheWindow_IsNow()
    {
        var now = new DateTimeOffset(2026, 3, 13, 12, 34, 56, Ist);
        Assert.Equal(now, Window.NextAllowed(now, Kolkata));
    }

    [Fact]
    public void NextAllowed_WeekendsAllowed_IsSaturdayTen() =>
        Assert.Equal(new DateTimeOffset(2026, 3, 14, 10, 0, 0, Ist), (Window with { Weekends = true }).NextAllowed(new DateTimeOffset(2026, 3, 13, 22, 30, 0, Ist), Kolkata));

    [Fact]
    public void NextAllowed_WindowOverMidnightOnTheDayAfterAHoliday_OpensAtMidnight()
    {
        var night = new DisconnectWindow(new TouWindow(22 * 60, 6 * 60), new HashSet<DateOnly> { new(2026, 3, 12) }, Weekends: true);

        Assert.Equal(new DateTimeOffset(2026, 3, 13, 0, 0, 0, Ist), night.NextAllowed(new DateTimeOffset(2026, 3, 12, 23, 0, 0, Ist), Kolkata));
    }

    [Fact]
    public void NextAllowed_EveryDayAHoliday_IsNull()
    {
        var holidays = new HashSet<DateOnly>();
        for (var day = new DateOnly(2026, 3, 1); day < new DateOnly(2027, 6, 1); day = day.AddDays(1))
        {
            holidays.Add(day);
        }

        Assert.Null((Window with { Holidays = holidays }).NextAllowed(new DateTimeOffset(2026, 3, 13, 22, 0, 0, Ist), Kolkata));
    }
}
