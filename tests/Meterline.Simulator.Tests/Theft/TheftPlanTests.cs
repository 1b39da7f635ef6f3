using Meterline.Simulator.Scenarios;
using Meterline.Simulator.Theft;

namespace Meterline.Simulator.Tests.Theft;

public sealed class TheftPlanTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Length = TimeSpan.FromDays(7);
    private static readonly (int, string)[] Candidates = [.. Enumerable.Range(0, 1000).Select(i => (i, FormattableString.Invariant($"MTL{i + 1:D8}")))];

    [Fact]
    public void Create_SameSeed_SameThieves_OtherSeed_OtherThieves()
    {
        var a = TheftPlan.Create(Candidates, 5, Start, Length, new TheftOptions());
        var b = TheftPlan.Create(Candidates, 5, Start, Length, new TheftOptions());
        var c = TheftPlan.Create(Candidates, 6, Start, Length, new TheftOptions());

        Assert.Equal(a.Cases, b.Cases);
        Assert.NotEqual(a.Cases.Select(t => t.Index), c.Cases.Select(t => t.Index));
    }

    [Fact]
    public void Create_FivePercent_DrawsFiftyDistinctThievesOfEveryPatternWithinTheRun()
    {
        var options = new TheftOptions();
        var plan = TheftPlan.Create(Candidates, 9, Start, Length, options);

        Assert.Equal(50, plan.Cases.Count);
        Assert.Equal(50, plan.Cases.Select(c => c.Index).Distinct().Count());
        Assert.All(Enum.GetValues<TheftPattern>(), p => Assert.Contains(plan.Cases, c => c.Pattern == p));
        foreach (var theft in plan.Cases)
        {
            Assert.Equal(Candidates[theft.Index].Item2, theft.Meter);
            Assert.InRange(theft.Start, Start + (Length * options.EarliestStart) - TimeSpan.FromMinutes(1), Start + (Length * options.LatestStart));
            if (theft.End is { } end)
            {
                Assert.InRange(end - theft.Start, options.MinSpan - TimeSpan.FromMinutes(1), options.MaxSpan + TimeSpan.FromMinutes(1));
                Assert.True(end < Start + Length);
            }

            Assert.Equal(theft.Pattern == TheftPattern.Bypass, theft.Share is not null);
            if (theft.Share is { } share)
            {
                Assert.InRange(share, options.MinBypassShare, options.MaxBypassShare);
            }
        }
    }

    [Fact]
    public void Create_OnlyOnePatternWeighted_DrawsOnlyIt()
    {
        var plan = TheftPlan.Create(Candidates, 1, Start, Length, new TheftOptions { Share = 0.01, Mix = new Dictionary<TheftPattern, double> { [TheftPattern.Magnet] = 1 } });

        Assert.Equal(10, plan.Cases.Count);
        Assert.All(plan.Cases, c => Assert.Equal(TheftPattern.Magnet, c.Pattern));
    }

    [Fact]
    public void ToScenarios_EachTheft_BecomesItsScenarioOnItsMeterForItsSpan()
    {
        var plan = new TheftPlan(
        [
            new TheftCase("MTL00000004", 3, TheftPattern.Bypass, Start.AddDays(1), null, 0.4),
            new TheftCase("MTL00000008", 7, TheftPattern.Reversed, Start.AddDays(2), Start.AddDays(3)),
        ]);

        var scenarios = plan.ToScenarios();

        Assert.Equal(new Scenario(ScenarioKind.Bypass, new MeterRange(3, 3), Start.AddDays(1), null, 0.4), scenarios[0]);
        Assert.Equal(new Scenario(ScenarioKind.Reverse, new MeterRange(7, 7), Start.AddDays(2), TimeSpan.FromDays(1)), scenarios[1]);
    }

    [Fact]
    public void TruthFile_WrittenAndRead_RoundTrips()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("meterline-truth-").FullName, "truth.json");
        var plan = TheftPlan.Create(Candidates, 3, Start, Length, new TheftOptions());
        var truth = new TheftTruth(Start, Start + Length, 2, 3, 1000, plan.Cases);

        TheftTruthFile.Write(path, truth);
        var read = TheftTruthFile.Read(path);

        Assert.Equal((truth.Start, truth.End, truth.Seed, truth.TheftSeed, truth.ConsumerMeters), (read.Start, read.End, read.Seed, read.TheftSeed, read.ConsumerMeters));
        Assert.Equal(truth.Thefts, read.Thefts);
        Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
    }

    [Fact]
    public void TruthFile_NotATruthFile_IsRefused()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("meterline-truth-").FullName, "truth.json");
        File.WriteAllText(path, """{"version":1,"thefts":[{"meter":"MTL00000001"}]}""");

        Assert.Throws<InvalidDataException>(() => TheftTruthFile.Read(path));
        Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
    }
}
