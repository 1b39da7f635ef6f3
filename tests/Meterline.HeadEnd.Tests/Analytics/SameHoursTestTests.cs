using Meterline.HeadEnd.Analytics.Balance;
using static Meterline.HeadEnd.Tests.Analytics.Series;

namespace Meterline.HeadEnd.Tests.Analytics;

/// <summary>
/// <see cref="SameHoursTest"/> on hand-made series of 15-minute blocks over 5 days: an unexplained loss of about 20 Wh
/// a block with a few Wh of night-to-night variation, a household registering about 100 Wh a block.
/// </summary>
public sealed class SameHoursTestTests
{
    private const int Days = 5;

    private static readonly DateTimeOffset[] Times = [.. Enumerable.Range(1, Days * 96).Select(At)];

    /// <summary>The third night's 22:00 to 08:00 (40 blocks).</summary>
    private static readonly (int From, int To) Night = ((2 * 96) + 88, (3 * 96) + 32);

    private static bool InNight(int i) => i >= Night.From && i < Night.To;

    private static double[] Loss(double excess) => [.. Enumerable.Range(0, Days * 96).Select(i => Noisy(20, 3, i, seed: 3) + (2 * ((i / 96) % 3)) + (InNight(i) ? excess : 0))];

    private static double[] Registered(double drop) => [.. Enumerable.Range(0, Days * 96).Select(i => Noisy(100, 20, i, seed: 4) + (5 * ((i / 96) % 2)) - (InNight(i) ? drop : 0))];

    [Fact]
    public void Evaluate_NightWith40WhMoreLossAnd40WhLessRegistered_BothSignificant()
    {
        var evidence = SameHoursTest.Evaluate(Times, Loss(40), Registered(40), Night.From, Night.To, minDays: 3);

        Assert.NotNull(evidence);
        Assert.Equal(3, evidence.Days); // two nights before, one after (the window's first night begins before it)
        Assert.InRange(evidence.Excess, 35, 45);
        Assert.InRange(evidence.Drop, 35, 45);
        Assert.InRange(evidence.ExcessP, 0, 0.001);
        Assert.InRange(evidence.DropP, 0, 0.001);
    }

    [Fact]
    public void Evaluate_NightLikeTheOthers_NotSignificant()
    {
        var evidence = SameHoursTest.Evaluate(Times, Loss(0), Registered(-30), Night.From, Night.To, minDays: 3);

        Assert.NotNull(evidence);
        Assert.True(evidence.ExcessP > 0.05, evidence.ToString());
        Assert.True(evidence.Drop < 0 && evidence.DropP > 0.5, evidence.ToString());
    }

    [Fact]
    public void Evaluate_TooFewCompleteOtherDays_Null()
    {
        // The night after loses one block: two other nights remain, fewer than three.
        var keep = Enumerable.Range(0, Days * 96).Where(i => i != Night.From + 96 + 5).ToArray();
        var (loss, registered) = (Loss(40), Registered(40));
        DateTimeOffset[] times = [.. keep.Select(i => Times[i])];
        double[] lossKept = [.. keep.Select(i => loss[i])];
        double[] registeredKept = [.. keep.Select(i => registered[i])];

        Assert.Null(SameHoursTest.Evaluate(times, lossKept, registeredKept, Night.From, Night.To, minDays: 3));
        Assert.Equal(2, SameHoursTest.Evaluate(times, lossKept, registeredKept, Night.From, Night.To, minDays: 2)?.Days);
    }

    [Fact]
    public void Evaluate_SpanOfTwoDays_NoOtherDayOutsideIt()
    {
        Assert.Null(SameHoursTest.Evaluate(Times, Loss(40), Registered(40), 96, 3 * 96, minDays: 2));
    }
}
