using System.Globalization;
using Meterline.Cli.Detection;
using Meterline.Simulator.Theft;
using Meterline.Simulator.Topology;

namespace Meterline.Cli.Tests.Detection;

/// <summary>
/// The detection run end to end on a tiny fleet (one transformer, 20 consumers, one thief, a simulated day at high
/// speed): a real head-end on SQLite with analytics, the simulated fleet over DLMS/TCP, the balance and the report.
/// </summary>
public sealed class DetectionReportTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(4);
    private static readonly string Profiles = Path.Combine(AppContext.BaseDirectory, "profiles");
    private readonly string _directory = Directory.CreateTempSubdirectory("meterline-detection-test-").FullName;

    [Fact]
    public async Task RunAsync_ReversedMeterUnderATransformer_RanksFirstInItsBalanceAndIsDetected()
    {
        var options = new DetectionOptions
        {
            Meters = 20,
            Days = 1,
            Speed = 8_000,
            Seed = 11,
            TheftSeed = 12,
            Thefts = new TheftOptions { Share = 0.05, Mix = new Dictionary<TheftPattern, double> { [TheftPattern.Reversed] = 1 }, SpanProbability = 0 },
            Topology = new TopologyOptions { MinConsumersPerTransformer = 20, MaxConsumersPerTransformer = 20 },
            ProfilesDirectory = Profiles,
            DataDirectory = Path.Combine(_directory, "data"),
            TruthPath = Path.Combine(_directory, "truth.json"),
        };

        var outcome = await DetectionRun.RunAsync(options, _ => { }, CancellationToken.None).WaitAsync(Bound);

        var theft = Assert.Single(TheftTruthFile.Read(outcome.TruthPath).Thefts);
        var balance = Assert.Single(outcome.Balances);
        Assert.Equal("DT-0001", balance.TransformerId);
        Assert.Equal(20, balance.Consumers.Count);
        Assert.Equal(outcome.Consumers[theft.Meter], balance.Suspects[0].Meter);
        // A reversed meter still registers its load (it registers on the larger current, as anti-tamper practice asks),
        // so the balance's own evidence is nil: it ranks first by its open reverse-current alert.
        Assert.True(balance.Suspects[0].OpenAlerts > 0, "the reversed meter has an open alert");
        Assert.True(balance.Total.CompleteIntervals > 48, $"{balance.Total.CompleteIntervals} complete intervals");
        Assert.True(balance.Total.LossPercent > 2, $"loss {balance.Total.LossPercent} %");
        var verdict = Assert.Single(outcome.Result.Verdicts);
        Assert.True(verdict.Detected);
        Assert.Equal(19, outcome.Result.HonestMeters);
        Assert.True(outcome.Result.HonestWithAlert == 0,
            $"{outcome.Result.HonestWithAlert} honest meters alerted; false positives by pattern: "
            + string.Join(", ", outcome.Result.Patterns.Where(p => p.FalsePositives > 0).Select(p => $"{p.Pattern}={p.FalsePositives}")));
    }

    [Fact]
    public async Task DetectionReport_TinyFleet_ReportsTheFiguresOfTheTruthItWrote()
    {
        var truthPath = Path.Combine(_directory, "truth.json");
        var reportPath = Path.Combine(_directory, "report.md");
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = await Program.BuildRootCommand(TextWriter.Synchronized(output), TextWriter.Synchronized(error)).Parse(
        [
            "detection-report", "--meters", "20", "--consumers-per-transformer", "20-20", "--days", "1", "--speed", "8000",
            "--seed", "21", "--theft-seed", "22", "--theft-share", "0.1", "--theft-mix", "magnet=1,neutral=1",
            "--profiles", Profiles, "--truth", truthPath, "--output", reportPath,
        ]).InvokeAsync().WaitAsync(Bound);

        Assert.True(code == 0, output.ToString() + error.ToString());
        var truth = TheftTruthFile.Read(truthPath);
        Assert.Equal(2, truth.Thefts.Count);
        Assert.Equal(20, truth.ConsumerMeters);
        var report = await File.ReadAllTextAsync(reportPath);
        Assert.Contains("meterline detection-report --meters 20", report, StringComparison.Ordinal);
        foreach (var pattern in new[] { TheftPattern.Magnet, TheftPattern.Neutral })
        {
            var count = truth.Thefts.Count(t => t.Pattern == pattern);
            var name = TheftTruthFile.NameOf(pattern);

            // Magnet and neutral tampers raise the meter's own events: every one is found, no honest meter is.
            Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"| {name} | {count} | {count} | "), report, StringComparison.Ordinal);
        }

        Assert.Contains("| all | 2 | 2 | ", report, StringComparison.Ordinal);
        Assert.Contains("0 of 18 honest consumer meters have an alert", report, StringComparison.Ordinal);
        foreach (var theft in truth.Thefts)
        {
            Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"| {theft.Meter} | {TheftTruthFile.NameOf(theft.Pattern)} | {theft.Start:yyyy-MM-dd HH:mm} | "), report, StringComparison.Ordinal);
        }

        Assert.Contains("Theft detection", output.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--theft-mix", "bribery=1", "--theft-mix bribery=1")]
    [InlineData("--consumers-per-transformer", "50-25", "--consumers-per-transformer 50-25")]
    [InlineData("--meters", "0", "--meters is 1 to 10000")]
    public async Task DetectionReport_BadOption_ExitsWith1NamingIt(string option, string value, string expected)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = await Program.BuildRootCommand(output, error).Parse(["detection-report", option, value, "--profiles", Profiles]).InvokeAsync().WaitAsync(Bound);

        Assert.Equal(1, code);
        Assert.StartsWith(expected, error.ToString(), StringComparison.Ordinal);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
