namespace Meterline.Meter.Metrology;

/// <summary>
/// The daily, weekly and seasonal behaviour of each appliance kind for an Indian household (defaults described in
/// <see cref="HouseholdLoadModel"/>): the switch-on propensity and the switch-off pressure at an hour of the day.
/// Seasonal curves are given per calendar month (value at mid-month, linear in between).
/// </summary>
internal static class LoadShapes
{
    // Monthly curves, January..December.
    private static readonly double[] Cooling = [0, 0, 0.2, 0.6, 1.0, 0.9, 0.4, 0.35, 0.4, 0.25, 0.05, 0];
    private static readonly double[] Heating = [1.0, 0.6, 0.1, 0, 0, 0, 0, 0, 0, 0, 0.2, 0.8];
    private static readonly double[] HotWater = [1.0, 0.9, 0.5, 0.15, 0.05, 0.05, 0.1, 0.1, 0.1, 0.3, 0.7, 1.0];
    private static readonly double[] FanUse = [0.05, 0.15, 0.5, 0.9, 1.0, 1.0, 0.9, 0.9, 0.9, 0.7, 0.3, 0.05];
    private static readonly double[] Warmth = [0.2, 0.35, 0.6, 0.85, 1.0, 0.95, 0.8, 0.75, 0.75, 0.65, 0.4, 0.2];

    /// <summary>The season of one day, evaluated once per day.</summary>
    public readonly record struct Season(double Cooling, double Heating, double HotWater, double FanUse, double Warmth, double Sunrise, double Sunset);

    public static Season SeasonOf(DateOnly date)
    {
        var dayOfYear = date.DayOfYear;
        // Sunrise and sunset in Indian local time: about 05:30 / 19:00 in late June, 07:00 / 17:45 in late December.
        var summer = Math.Cos(2 * Math.PI * (dayOfYear - 172) / 365.25);
        return new Season(
            Monthly(Cooling, date), Monthly(Heating, date), Monthly(HotWater, date), Monthly(FanUse, date), Monthly(Warmth, date),
            Sunrise: 6.25 - (0.75 * summer),
            Sunset: 18.4 + (0.65 * summer));
    }

    /// <summary>Saturday and Sunday are at home.</summary>
    public static bool IsWeekend(DateOnly date) => date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;

    /// <summary>
    /// Switch-on propensity (multiplies 1/MeanOffMinutes) and switch-off pressure (multiplies 1/MeanOnMinutes) of an
    /// appliance kind at <paramref name="hour"/> (0–24, fractional).
    /// </summary>
    public static (double On, double Off) Shape(ApplianceKind kind, double hour, bool weekend, in Season season)
    {
        // Mornings start an hour later at weekends; the house is mostly empty on weekday working hours.
        var morningHour = weekend ? hour - 1 : hour;
        var daytime = hour is >= 10 and < 17;
        var occupancy = daytime ? (weekend ? 1.0 : 0.35) : 1.0;
        var asleep = hour >= 23.5 || morningHour < 5.5;
        var night = hour >= 22 || hour < 6.5;
        switch (kind)
        {
            case ApplianceKind.Refrigerator:
                return (0.6 + (0.8 * season.Warmth), 1);
            case ApplianceKind.Light:
                var dark = hour < season.Sunrise + 0.5 || hour > season.Sunset - 0.5;
                var awake = asleep ? 0.03 : hour >= 23 ? 0.4 : 1.2;
                return (dark ? (2.5 * awake) + 0.05 : 0.12 * occupancy, asleep ? 6 : 1);
            case ApplianceKind.Television:
                return (0.05 + (2.0 * Bump(hour, 20.5, 1.8)) + (daytime ? (weekend ? 0.8 : 0.25) : 0) + (0.4 * Bump(morningHour, 7.5, 1)),
                    asleep ? 5 : 1);
            case ApplianceKind.Fan:
                return (season.FanUse * ((night ? 1.2 : 0) + (daytime ? 0.6 * occupancy : 0) + (hour is >= 17 and < 22 ? 1.0 : 0) + 0.1), 1);
            case ApplianceKind.WaterHeater:
                return (season.HotWater * ((2.0 * Bump(morningHour, 7.0, 1.0)) + (0.7 * Bump(hour, 19.5, 1.0))), 1);
            case ApplianceKind.AirConditioner:
                var cool = (night ? 1.0 : 0) + (hour is >= 12 and < 17 ? 0.8 * occupancy : 0) + (hour is >= 17 and < 22 ? 0.5 : 0) + 0.05;
                return (season.Cooling * cool, morningHour is >= 6.5 and < 9 ? 3 : 1);
            case ApplianceKind.RoomHeater:
                var warm = (hour is >= 18 and < 23 ? 1.0 : 0) + (asleep ? 0.2 : 0) + (morningHour is >= 5.5 and < 9 ? 0.7 : 0);
                return (season.Heating * warm, morningHour is >= 9 and < 18 ? 3 : 1);
            case ApplianceKind.Cooking:
                return ((2.0 * Bump(morningHour, 7.5, 0.7)) + ((weekend ? 1.5 : 0.6) * Bump(hour, 13, 0.6)) + (2.0 * Bump(hour, 20, 0.8)) + 0.02, 1);
            case ApplianceKind.WaterPump:
                return ((1.5 * Bump(morningHour, 6.5, 0.8)) + (0.8 * Bump(hour, 18, 0.8)), 1);
            default:
                return (0, 1);
        }
    }

    /// <summary>How much of the base load (chargers, computers, set-top boxes) is in use: more when people are awake.</summary>
    public static double BaseActivity(double hour, bool weekend)
    {
        var morningHour = weekend ? hour - 1 : hour;
        var asleep = hour >= 23.5 || morningHour < 5.5;
        return asleep ? 0.8 : 1.15;
    }

    private static double Bump(double hour, double centre, double width)
    {
        var x = (hour - centre) / width;
        return Math.Exp(-x * x);
    }

    private static double Monthly(double[] curve, DateOnly date)
    {
        // Position in months, 0 = mid-January; wraps around the year.
        var position = date.Month - 1 + ((date.Day - 15.0) / DateTime.DaysInMonth(date.Year, date.Month));
        var low = (int)Math.Floor(position);
        var fraction = position - low;
        var a = curve[(low + 12) % 12];
        var b = curve[(low + 13) % 12];
        return a + ((b - a) * fraction);
    }
}
