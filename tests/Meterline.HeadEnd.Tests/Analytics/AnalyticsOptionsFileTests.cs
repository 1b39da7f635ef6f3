using System.Text;
using Meterline.HeadEnd.Analytics;
using Meterline.HeadEnd.Analytics.Rules;
using Meterline.HeadEnd.Readings;

namespace Meterline.HeadEnd.Tests.Analytics;

public sealed class AnalyticsOptionsFileTests
{
    private static AnalyticsOptions Parse(string json) => AnalyticsOptionsFile.Parse(Encoding.UTF8.GetBytes(json), "test.json");

    [Fact]
    public void Write_Defaults_ParsedBackToTheSameOptions()
    {
        var written = AnalyticsOptionsFile.Write(new AnalyticsOptions());

        var parsed = Parse(written);

        Assert.Equal(written, AnalyticsOptionsFile.Write(parsed));
        Assert.Contains("\"1.0.1.8.0.255\"", written, StringComparison.Ordinal);
        Assert.Contains("\"critical\"", written, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_OnlySomeThresholds_TheRestKeepTheirDefaults()
    {
        var options = Parse("""
            {
              // a site with weaker neutral CTs
              "neutralMismatch": { "minimumDifference": 1.5, "lookback": "2.00:00:00" },
              "cumulativeDecrease": { "registers": ["1.0.1.8.0.255"] },
              "tamperEvents": { "events": [ { "occurrenceCode": 201, "restorationCode": 202, "name": "magnet", "severity": "warning" } ] },
              "netMeteredSerials": ["MTL00000007"],
              "energyBalance": { "alerts": false },
            }
            """);

        Assert.Equal(1.5, options.NeutralMismatch.MinimumDifference);
        Assert.Equal(TimeSpan.FromDays(2), options.NeutralMismatch.Lookback);
        Assert.Equal(new NeutralMismatchOptions().MinimumRatio, options.NeutralMismatch.MinimumRatio);
        Assert.Equal([Quantity.CumulativeImportEnergy], options.CumulativeDecrease.Registers);
        Assert.Equal(AlertSeverity.Warning, Assert.Single(options.TamperEvents.Events).Severity);
        Assert.Contains("MTL00000007", options.NetMeteredSerials);
        Assert.False(options.EnergyBalance.Alerts);
        Assert.Equal(new AnalyticsOptions().BaselineDrop, options.BaselineDrop);
    }

    [Theory]
    [InlineData("""{ "neutralMismatch": { "minimumDiference": 1 } }""", "$.neutralMismatch.minimumDiference")]
    [InlineData("""{ "zeroConsumption": { "sustainedIntervals": "two" } }""", "$.zeroConsumption.sustainedIntervals")]
    [InlineData("""{ "cumulativeDecrease": { "registers": ["1.0.99.8.0.255"] } }""", "1.0.99.8.0.255")]
    [InlineData("""{ "tamperEvents": { "events": [ { "occurrenceCode": 201, "name": "magnet", "severity": "fatal" } ] } }""", "$.tamperEvents.events[0].severity")]
    [InlineData("""{ "baselineDrop": { "dropRatio": 1.5 } }""", "Baseline drop")]
    [InlineData("""{ "reverseEnergy": { "lookback": "-01:00:00" } }""", "Reverse energy")]
    [InlineData("""{ "energyBalance": { "minHiddenShare": 0 } }""", "Energy balance")]
    [InlineData("null", "a JSON object")]
    public void Parse_WrongFile_ErrorNamingThePlace(string json, string named)
    {
        var error = Assert.Throws<InvalidDataException>(() => Parse(json));

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
        Assert.StartsWith("test.json", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_NestedDeeperThanTheBound_Refused()
    {
        var json = "{ \"netMeteredSerials\": " + new string('[', 40) + new string(']', 40) + " }";

        Assert.Throws<InvalidDataException>(() => Parse(json));
    }

    [Fact]
    public void Load_FileOverTheBound_RefusedUnread()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "{" + new string(' ', AnalyticsOptionsFile.MaxBytes) + "}");

            var error = Assert.Throws<InvalidDataException>(() => AnalyticsOptionsFile.Load(path));
            Assert.Contains("more than", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void ExampleFile_InTheDocs_HoldsTheDefaults()
    {
        var example = Path.Combine(RepositoryRoot(), "docs", "examples", "analytics.json");

        var options = AnalyticsOptionsFile.Load(example);

        // Every property, each at its default: the file is what an operator copies and edits.
        var defaults = AnalyticsOptionsFile.Write(new AnalyticsOptions());
        Assert.Equal(defaults, File.ReadAllText(example).ReplaceLineEndings("\n").TrimEnd());
        Assert.Equal(defaults, AnalyticsOptionsFile.Write(options));
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Meterline.slnx")))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException("The repository root (Meterline.slnx) is not above " + AppContext.BaseDirectory);
    }
}
