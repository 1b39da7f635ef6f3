using Meterline.Meter.Metrology;

namespace Meterline.Meter.Tests.Metrology;

public sealed class HouseholdLoadModelTests
{
    private static readonly TimeSpan Ist = new(5, 30, 0);
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 0, 0, 0, Ist);

    private static readonly HouseholdProfile EveryAppliance = new(
        seed: 7, connectedLoadKw: HouseholdProfile.RatedLoadKw(7, HouseholdAppliances.All, 4), appliances: HouseholdAppliances.All, rooms: 4);

    [Fact]
    public void Load_SameSeedSameStart_IdenticalSevenDaySeries()
    {
        var a = new HouseholdLoadModel(HouseholdProfile.Typical(42));
        var b = new HouseholdLoadModel(HouseholdProfile.Typical(42));
        var first = Series(a, Start, TimeSpan.FromMinutes(1), 7 * 1440);
        var second = Series(b, Start, TimeSpan.FromMinutes(1), 7 * 1440);
        Assert.Equal(first, second);
        Assert.True(first.Distinct().Count() > 1000, "the series varies");
    }

    [Fact]
    public void Load_DifferentSeeds_Differ()
    {
        var a = Series(new HouseholdLoadModel(HouseholdProfile.Typical(1)), Start, TimeSpan.FromMinutes(1), 1440);
        var b = Series(new HouseholdLoadModel(HouseholdProfile.Typical(2)), Start, TimeSpan.FromMinutes(1), 1440);
        Assert.NotEqual(a, b);
    }

    [Fact]
    public void Load_QueriedOutOfOrder_SameAsInOrder()
    {
        var ordered = Series(new HouseholdLoadModel(HouseholdProfile.Typical(5)), Start, TimeSpan.FromMinutes(7), 3 * 1440 / 7);
        var model = new HouseholdLoadModel(HouseholdProfile.Typical(5));
        var indices = Enumerable.Range(0, ordered.Length).Reverse().ToArray();
        foreach (var i in indices)
        {
            Assert.Equal(ordered[i], model.ActivePowerWatts(Start + (TimeSpan.FromMinutes(7) * i)));
        }
    }

    [Fact]
    public void Load_WithinOneMinute_Constant()
    {
        var model = new HouseholdLoadModel(HouseholdProfile.Typical(3));
        var at = Start.AddHours(19).AddSeconds(5);
        Assert.Equal(model.ActivePowerWatts(at), model.ActivePowerWatts(at.AddSeconds(50)));
        Assert.True(model.ActivePowerWatts(at) > 0);
    }

    [Fact]
    public void Typical_FiftySeeds_DailyEnergyPlausibleAndVariedBySize()
    {
        var means = new List<double>();
        for (var seed = 0; seed < 50; seed++)
        {
            var model = new HouseholdLoadModel(HouseholdProfile.Typical(seed));
            double kWh = 0;
            for (var month = 1; month <= 12; month++)
            {
                kWh += DailyKwh(model, new DateTimeOffset(2026, month, 15, 0, 0, 0, Ist));
            }

            var mean = kWh / 12;
            Assert.InRange(mean, 1.5, 30);
            means.Add(mean);
        }

        Assert.True(means.Min() < 4, $"a small flat uses about 3 kWh a day (least {means.Min():F1})");
        Assert.True(means.Max() > 15, $"a big house uses about 20 kWh a day (most {means.Max():F1})");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(8)]
    [InlineData(17)]
    [InlineData(33)]
    public void Load_ThirtyDays_EveningPeakAboveThreeInTheMorning(int seed)
    {
        var model = new HouseholdLoadModel(HouseholdProfile.Typical(seed));
        var evening = MeanOverDays(model, Start, 30, 19, 22);
        var night = MeanOverDays(model, Start, 30, 3, 4);
        Assert.True(evening > 1.5 * night, $"evening {evening:F0} W, 3 a.m. {night:F0} W");
    }

    [Fact]
    public void Load_SummerAndWinter_AirConditioningInMayWaterHeatingInJanuary()
    {
        var model = new HouseholdLoadModel(EveryAppliance);
        var may = new DateTimeOffset(2026, 5, 1, 0, 0, 0, Ist);
        var january = new DateTimeOffset(2026, 1, 1, 0, 0, 0, Ist);
        // Summer nights run the air conditioners; winter mornings run the water heaters.
        Assert.True(MeanOverDays(model, may, 28, 0, 5) > 2 * MeanOverDays(model, january, 28, 0, 5));
        Assert.True(MeanOverDays(model, january, 28, 6, 9) > 1.5 * MeanOverDays(model, may, 28, 6, 9));
        Assert.True(DailyKwhOver(model, may, 14) > DailyKwhOver(model, new DateTimeOffset(2026, 11, 1, 0, 0, 0, Ist), 14));
    }

    [Fact]
    public void Load_EightWeeks_WeekendDaytimeAboveWeekdayDaytime()
    {
        double weekend = 0, weekday = 0;
        for (var seed = 0; seed < 10; seed++)
        {
            var model = new HouseholdLoadModel(HouseholdProfile.Typical(seed));
            for (var day = 0; day < 56; day++)
            {
                var date = Start.AddDays(day);
                var mean = MeanOverDays(model, date, 1, 11, 16);
                if (date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday)
                {
                    weekend += mean / 16;
                }
                else
                {
                    weekday += mean / 40;
                }
            }
        }

        Assert.True(weekend > 1.2 * weekday, $"weekend {weekend:F0}, weekday {weekday:F0}");
    }

    [Fact]
    public void PowerFactor_FiftySeedsTwoWeeksInMay_LaggingFromPointEightToPointNineNine()
    {
        var may = new DateTimeOffset(2026, 5, 1, 0, 0, 0, Ist);
        double low = 1, high = 0;
        for (var seed = 0; seed < 50; seed += 5)
        {
            var model = new HouseholdLoadModel(HouseholdProfile.Typical(seed));
            for (var minute = 0; minute < 14 * 1440; minute += 3)
            {
                var pf = model.PowerFactor(may.AddMinutes(minute));
                low = Math.Min(low, pf);
                high = Math.Max(high, pf);
            }
        }

        Assert.InRange(low, 0.8 - 1e-9, 0.86);
        Assert.InRange(high, 0.95, 0.99 + 1e-9);
    }

    [Fact]
    public void ConnectedLoadKw_Doubled_DoublesThePower()
    {
        var typical = HouseholdProfile.Typical(11);
        var doubled = new HouseholdProfile(typical.Seed, typical.ConnectedLoadKw * 2, typical.Appliances, typical.Rooms);
        var a = new HouseholdLoadModel(typical);
        var b = new HouseholdLoadModel(doubled);
        for (var minute = 0; minute < 1440; minute += 37)
        {
            var at = Start.AddMinutes(minute);
            Assert.Equal(2 * a.ActivePowerWatts(at), b.ActivePowerWatts(at), 9);
        }
    }

    [Fact]
    public void Typical_ConnectedLoad_IsTheSumOfRatings()
    {
        var profile = HouseholdProfile.Typical(9);
        Assert.Equal(HouseholdProfile.RatedLoadKw(profile.Seed, profile.Appliances, profile.Rooms), profile.ConnectedLoadKw);
        Assert.Equal(profile, HouseholdProfile.Typical(9));
    }

    [Theory]
    [InlineData(0.0, 2)]
    [InlineData(-1.0, 2)]
    [InlineData(double.NaN, 2)]
    [InlineData(26.0, 2)]
    [InlineData(5.0, 0)]
    [InlineData(5.0, 13)]
    public void HouseholdProfile_OutOfRange_Throws(double kw, int rooms) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new HouseholdProfile(1, kw, HouseholdAppliances.Lighting, rooms));

    [Fact]
    public void HouseholdProfile_UnknownApplianceFlag_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new HouseholdProfile(1, 3, (HouseholdAppliances)(1 << 12), 2));

    [Fact]
    public void Load_OnlyBaseLoad_SmallAndSteady()
    {
        var model = new HouseholdLoadModel(new HouseholdProfile(1, 0.05, HouseholdAppliances.None, 1));
        Assert.Equal(0, model.ApplianceCount);
        var powers = Series(model, Start, TimeSpan.FromMinutes(1), 1440);
        Assert.All(powers, p => Assert.InRange(p, 30, 65));
    }

    private static double[] Series(HouseholdLoadModel model, DateTimeOffset start, TimeSpan step, int count)
    {
        var values = new double[count];
        for (var i = 0; i < count; i++)
        {
            values[i] = model.ActivePowerWatts(start + (step * i));
        }

        return values;
    }

    private static double DailyKwh(HouseholdLoadModel model, DateTimeOffset day)
    {
        double wh = 0;
        for (var minute = 0; minute < 1440; minute++)
        {
            wh += model.ActivePowerWatts(day.AddMinutes(minute)) / 60;
        }

        return wh / 1000;
    }

    private static double DailyKwhOver(HouseholdLoadModel model, DateTimeOffset start, int days) =>
        Enumerable.Range(0, days).Sum(d => DailyKwh(model, start.AddDays(d))) / days;

    private static double MeanOverDays(HouseholdLoadModel model, DateTimeOffset start, int days, int fromHour, int toHour)
    {
        double sum = 0;
        var count = 0;
        for (var day = 0; day < days; day++)
        {
            for (var minute = fromHour * 60; minute < toHour * 60; minute++)
            {
                sum += model.ActivePowerWatts(start.AddDays(day).AddMinutes(minute));
                count++;
            }
        }

        return sum / count;
    }
}
