using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Outages;
using static Meterline.HeadEnd.Tests.Outages.Network;

namespace Meterline.HeadEnd.Tests.Outages;

/// <summary>
/// Hand-worked: feeder F1 serves 10 customers. On 1 March a transformer outage takes 4 of them off for 60 minutes
/// each (240 customer minutes); a second outage takes 2 off for 30 and 20 minutes (50); a third blinks 3 off for
/// 3 minutes and 1 for exactly 5 (momentary: not longer than the 5-minute threshold). An outage on F2 and one that
/// began the day before do not count.
/// SAIDI = 290 / 10 = 29 min; SAIFI = 6 / 10 = 0.6; MAIFI = 4 / 10 = 0.4; CAIDI = 29 / 0.6 = 48.33 min.
/// </summary>
public sealed class ReliabilityCalculatorTests
{
    private static readonly DateTimeOffset Day = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Threshold = new OutageOptions().SustainedThreshold;

    private static AffectedMeter Off(int meter, DateTimeOffset at, double minutes) => new(new MeterId(meter), at, PowerSignalSource.LastGasp, at.AddMinutes(minutes));

    private static Outage Outage(long id, string feeder, params AffectedMeter[] meters) =>
        new(new OutageId(id), OutageScope.Transformer, "T" + id, feeder, meters.All(m => m.RestoredAt is not null) ? OutageState.Restored : OutageState.Open,
            meters.Min(m => m.LostAt), meters.All(m => m.RestoredAt is not null) ? meters.Max(m => m.RestoredAt) : null, meters.Min(m => m.LostAt), meters);

    private static readonly Outage[] Outages =
    [
        Outage(1, "F1", Off(1, T0, 60), Off(2, T0, 60), Off(3, T0, 60), Off(4, T0, 60)),
        Outage(2, "F1", Off(11, T0.AddHours(3), 30), Off(12, T0.AddHours(3), 20)),
        Outage(3, "F1", Off(5, T0.AddHours(5), 3), Off(6, T0.AddHours(5), 3), Off(7, T0.AddHours(5), 3), Off(8, T0.AddHours(5), 5)),
        Outage(4, "F2", Off(21, T0, 120), Off(22, T0, 120)),
        Outage(5, "F1", Off(9, Day.AddHours(-2), 180)),
    ];

    [Fact]
    public void Calculate_SmallFeeder_MatchesTheHandWorkedIndices()
    {
        var indices = ReliabilityCalculator.Calculate("F1", Day, Day.AddDays(1), 10, Outages, Threshold, Day.AddDays(2));

        Assert.Equal((6, 4, 0), (indices.SustainedInterruptions, indices.MomentaryInterruptions, indices.OngoingInterruptions));
        Assert.Equal(290, indices.CustomerMinutes, 9);
        Assert.Equal(29, indices.Saidi!.Value, 9);
        Assert.Equal(0.6, indices.Saifi!.Value, 9);
        Assert.Equal(0.4, indices.Maifi!.Value, 9);
        Assert.Equal(48.333333333, indices.Caidi!.Value, 6);
        Assert.Equal([new OutageId(1), new OutageId(2), new OutageId(3)], indices.Outages);
    }

    [Fact]
    public void Calculate_OnlyMomentaryInterruptions_ExcludedFromSaidiAndSaifi()
    {
        var indices = ReliabilityCalculator.Calculate("F1", Day, Day.AddDays(1), 10, [Outages[2]], Threshold, Day.AddDays(2));

        Assert.Equal((0, 4), (indices.SustainedInterruptions, indices.MomentaryInterruptions));
        Assert.Equal(0, indices.Saidi);
        Assert.Equal(0, indices.Saifi);
        Assert.Null(indices.Caidi);
    }

    [Theory]
    [InlineData(5.0, false)]
    [InlineData(5.01, true)]
    public void Calculate_ExactlyTheThreshold_Momentary(double minutes, bool sustained)
    {
        var indices = ReliabilityCalculator.Calculate("F1", Day, Day.AddDays(1), 1, [Outage(9, "F1", Off(1, T0, minutes))], Threshold, Day.AddDays(2));

        Assert.Equal(sustained ? (1, 0) : (0, 1), (indices.SustainedInterruptions, indices.MomentaryInterruptions));
    }

    [Fact]
    public void Calculate_OngoingInterruption_CountsOnceLongerThanTheThreshold()
    {
        var open = Outage(9, "F1", new AffectedMeter(new MeterId(1), T0, PowerSignalSource.LastGasp));

        var early = ReliabilityCalculator.Calculate("F1", Day, Day.AddDays(1), 2, [open], Threshold, T0.AddMinutes(4));
        var later = ReliabilityCalculator.Calculate("F1", Day, Day.AddDays(1), 2, [open], Threshold, T0.AddMinutes(40));

        Assert.Equal((0, 0, 1), (early.SustainedInterruptions, early.MomentaryInterruptions, early.OngoingInterruptions));
        Assert.Equal((1, 40.0), (later.SustainedInterruptions, later.CustomerMinutes));
        Assert.Equal(20, later.Saidi);
    }

    [Fact]
    public void Calculate_NoCustomersServed_IndicesNull()
    {
        var indices = ReliabilityCalculator.Calculate("F9", Day, Day.AddDays(1), 0, Outages, Threshold, Day.AddDays(2));

        Assert.Null(indices.Saidi);
        Assert.Null(indices.Saifi);
        Assert.Null(indices.Maifi);
        Assert.Empty(indices.Outages);
    }
}
