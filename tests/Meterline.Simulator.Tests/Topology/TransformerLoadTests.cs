using Meterline.Meter.Metrology;
using Meterline.Simulator.Topology;

namespace Meterline.Simulator.Tests.Topology;

/// <summary>The transformer meter's metrology against its consumers' (stepped here, not timed).</summary>
public sealed class TransformerLoadTests
{
    private static readonly DateTimeOffset Start = new(2026, 5, 4, 0, 0, 0, TimeSpan.FromHours(5.5));
    private const int GridSeed = 11;

    [Fact]
    public void Step_ADay_TransformerEnergyIsTheConsumersTrueEnergyPlusTheLoss()
    {
        var households = Enumerable.Range(0, 12).Select(i => HouseholdProfile.Typical(1000 + i)).ToArray();
        var consumers = households.Select(h => new MetrologyEngine(h, GridSeed)).ToArray();
        var load = new TransformerLoad(households, 0.03, 0.01, 5);
        var transformer = new MetrologyEngine(load, GridSeed);
        var lossOnly = new TransformerLoad(households, 0.03, 0.01, 5);
        double expected = 0;
        var step = TimeSpan.FromMinutes(1);
        for (var t = Start + step; t <= Start.AddDays(1); t += step)
        {
            double minute = 0;
            foreach (var consumer in consumers)
            {
                consumer.Step(t, step, MetrologyConditions.Normal);
                minute += consumer.LastStepEnergy.ImportWh;
            }

            transformer.Step(t, step, MetrologyConditions.Normal);
            expected += minute * (1 + lossOnly.LossShare(t));
        }

        var sum = consumers.Sum(c => c.Registers.ImportWhExact);
        Assert.True(sum > 12 * 1_000, $"the households drew {sum} Wh");
        Assert.Equal(expected, transformer.Registers.ImportWhExact, expected * 1e-9);
        var loss = (transformer.Registers.ImportWhExact - sum) / sum;
        Assert.InRange(loss, 0.02, 0.04);
    }

    [Fact]
    public void LossShare_EveryMinute_StaysWithinTheNoiseAndVaries()
    {
        var load = new TransformerLoad([HouseholdProfile.Typical(1)], 0.03, 0.01, 9);
        var shares = Enumerable.Range(0, 1440).Select(m => load.LossShare(Start.AddMinutes(m))).ToList();

        Assert.All(shares, s => Assert.InRange(s, 0.02, 0.04));
        Assert.True(shares.Distinct().Count() > 1000);
        Assert.Equal(shares[17], new TransformerLoad([HouseholdProfile.Typical(1)], 0.03, 0.01, 9).LossShare(Start.AddMinutes(17)));
    }

    [Theory]
    [InlineData("bypass")]
    [InlineData("magnet")]
    [InlineData("reversed")]
    [InlineData("neutral")]
    public void Step_ATheftOnOneConsumer_ChangesWhatItsMeterRegistersButNotTheTransformer(string pattern)
    {
        var households = new[] { HouseholdProfile.Typical(41), HouseholdProfile.Typical(42) };
        var honest = new MetrologyEngine(households[0], GridSeed);
        var thief = new MetrologyEngine(households[0], GridSeed);
        var transformerClean = new MetrologyEngine(new TransformerLoad(households, 0.03, 0.01, 1), GridSeed);
        var transformerTheft = new MetrologyEngine(new TransformerLoad(households, 0.03, 0.01, 1), GridSeed);
        var conditions = pattern switch
        {
            "bypass" => new MetrologyConditions { LoadBypassShare = 0.5 },
            "magnet" => new MetrologyConditions { Magnet = true },
            "reversed" => new MetrologyConditions { ReverseCurrent = true },
            _ => new MetrologyConditions { MissingNeutral = true },
        };
        var step = TimeSpan.FromMinutes(1);
        for (var t = Start + step; t <= Start.AddHours(12); t += step)
        {
            honest.Step(t, step, MetrologyConditions.Normal);
            thief.Step(t, step, conditions);
            transformerClean.Step(t, step, MetrologyConditions.Normal);
            transformerTheft.Step(t, step, MetrologyConditions.Normal);
        }

        var truth = honest.Registers.ImportWhExact;
        Assert.Equal(transformerClean.Registers.ImportWhExact, transformerTheft.Registers.ImportWhExact);
        switch (pattern)
        {
            case "bypass":
                Assert.Equal(truth * 0.5, thief.Registers.ImportWhExact, truth * 1e-9);
                Assert.Equal(thief.LastSample.PhaseCurrent, thief.LastSample.NeutralCurrent, 1e-9);
                break;
            case "magnet":
                Assert.Equal(truth * 0.3, thief.Registers.ImportWhExact, truth * 1e-9);
                Assert.True(thief.LastSample.MagneticFieldDetected);
                break;
            case "reversed":
                Assert.Equal(0, thief.Registers.ImportWhExact);
                Assert.Equal(truth, thief.Registers.ExportWhExact, truth * 1e-9);
                break;
            default:
                // The meter registers on the larger current (anti-tamper): the energy is all there, the neutral is not.
                Assert.Equal(truth, thief.Registers.ImportWhExact, truth * 1e-9);
                Assert.Equal(0, thief.LastSample.NeutralCurrent);
                Assert.True(thief.LastSample.PhaseCurrent > 0);
                break;
        }
    }
}
