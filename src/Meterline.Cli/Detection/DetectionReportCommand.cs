using System.CommandLine;
using System.Globalization;
using Meterline.Cli.Api;
using Meterline.Cli.Dlms;
using Meterline.Cli.Serve;
using Meterline.Simulator.Theft;
using Meterline.Simulator.Topology;
using Spectre.Console;

namespace Meterline.Cli.Detection;

/// <summary>
/// <c>meterline detection-report</c>: runs a head-end and a simulated fleet with transformers and injected thefts on
/// this machine (<see cref="DetectionRun"/>), scores the alerts and the energy balance against the truth
/// (<see cref="DetectionScoring"/>) and prints the table and writes the markdown report. Exit code 0, 1 for bad
/// usage, 2 when the run failed.
/// </summary>
internal static class DetectionReportCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var d = new DetectionOptions { ProfilesDirectory = "profiles" };
        var meters = new Option<int>("--meters") { Description = "Consumer meters (each transformer's meter comes on top)", DefaultValueFactory = _ => d.Meters };
        var days = new Option<double>("--days") { Description = "Simulated days", DefaultValueFactory = _ => d.Days };
        var speed = new Option<double>("--speed") { Description = "Simulated seconds per real second", DefaultValueFactory = _ => d.Speed };
        var seed = new Option<int>("--seed") { Description = "Seeds the households and the topology", DefaultValueFactory = _ => d.Seed };
        var theftSeed = new Option<int>("--theft-seed") { Description = "Seeds the thieves, their patterns and times", DefaultValueFactory = _ => d.TheftSeed };
        var share = new Option<double>("--theft-share") { Description = "Share of consumer meters that steal, 0 to 1", DefaultValueFactory = _ => d.Thefts.Share };
        var mix = new Option<string>("--theft-mix") { Description = "Pattern weights, e.g. bypass=1,magnet=1,neutral=1,reversed=1", DefaultValueFactory = _ => "bypass=1,magnet=1,neutral=1,reversed=1" };
        var perTransformer = new Option<string>("--consumers-per-transformer") { Description = "MIN-MAX consumers under one transformer", DefaultValueFactory = _ => "25-50" };
        var loss = new Option<double>("--technical-loss") { Description = "Mean technical loss between a transformer's meter and its consumers (share, noise ±a third of it)", DefaultValueFactory = _ => d.Topology.TechnicalLoss };
        var delay = new Option<double>("--delay-hours") { Description = "A theft counts as detected by an alert covering data up to this long after its start", DefaultValueFactory = _ => d.Delay.TotalHours };
        var topK = new Option<int>("--top-k") { Description = "Detected by balance: ranked this high under its transformer", DefaultValueFactory = _ => d.TopK };
        var threshold = new Option<double>("--loss-threshold") { Description = "Detected by balance: only under a transformer losing at least this percentage", DefaultValueFactory = _ => d.LossThresholdPercent };
        var balanceAlerts = new Option<string?>("--energy-balance-alerts") { Description = "on|off: the energy-balance theft alert (docs/analytics.md \"Energy balance\"); default: the head-end's default (on)" };
        var data = new Option<string?>("--data") { Description = "Keep the run's data (database, fleet.json, meter state) in this directory (default: a temporary one, deleted)" };
        var report = new Option<string>("--output") { Description = "The markdown report", DefaultValueFactory = _ => d.ReportPath };
        var truth = new Option<string?>("--truth") { Description = "Where the truth file goes (default: in the data directory)" };
        var profiles = new Option<string?>("--profiles") { Description = "Directory of meter profiles; default ./profiles, else the one installed beside meterline" };
        var command = new Command("detection-report", "Run a head-end and a simulated fleet with transformers and injected thefts, and score the detection against the truth")
        {
            meters, days, speed, seed, theftSeed, share, mix, perTransformer, loss, delay, topK, threshold, balanceAlerts, data, report, truth, profiles,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            try
            {
                var (min, max) = Range(result.GetValue(perTransformer)!);
                var technicalLoss = result.GetValue(loss);
                var options = new DetectionOptions
                {
                    Meters = result.GetValue(meters) is var n && n is >= 1 and <= 10_000 ? n : throw Usage("--meters is 1 to 10000"),
                    Days = result.GetValue(days) is var dd && dd > 0 && dd <= 31 ? dd : throw Usage("--days is more than 0, at most 31"),
                    Speed = result.GetValue(speed) is var s && s >= 1 && s <= 100_000 ? s : throw Usage("--speed is 1 to 100000"),
                    Seed = result.GetValue(seed),
                    TheftSeed = result.GetValue(theftSeed),
                    Thefts = new TheftOptions { Share = result.GetValue(share), Mix = Mix(result.GetValue(mix)!) },
                    Topology = new TopologyOptions
                    {
                        MinConsumersPerTransformer = min,
                        MaxConsumersPerTransformer = max,
                        TechnicalLoss = technicalLoss,
                        TechnicalLossNoise = technicalLoss / 3,
                    },
                    Delay = result.GetValue(delay) is var h && h > 0 && h <= 24 * 31 ? TimeSpan.FromHours(h) : throw Usage("--delay-hours is more than 0, at most 744"),
                    TopK = result.GetValue(topK) is var k && k >= 1 ? k : throw Usage("--top-k is at least 1"),
                    LossThresholdPercent = result.GetValue(threshold),
                    Analytics = ServeOptions.OnOff(result.GetValue(balanceAlerts), "--energy-balance-alerts") is { } on
                        ? d.Analytics with { EnergyBalance = d.Analytics.EnergyBalance with { Alerts = on } }
                        : d.Analytics,
                    DataDirectory = result.GetValue(data),
                    ReportPath = result.GetValue(report)!,
                    TruthPath = result.GetValue(truth),
                    ProfilesDirectory = ServeOptions.ProfilesDirectory(result.GetValue(profiles)),
                };
                try
                {
                    options.Thefts.Validate();
                    options.Topology.Validate();
                }
                catch (ArgumentException e)
                {
                    throw Usage(e.Message);
                }

                var console = CliConsole.For(output);
                var outcome = await DetectionRun.RunAsync(options, line => console.WriteLine(line), cancellationToken).ConfigureAwait(false);
                DetectionReportWriter.WriteTable(console, options, outcome);
                var commandLine = "meterline " + string.Join(' ', result.Tokens.Select(t => t.Value));
                await File.WriteAllTextAsync(options.ReportPath, DetectionReportWriter.Markdown(options, outcome, commandLine), cancellationToken).ConfigureAwait(false);
                console.WriteLine($"Report: {Path.GetFullPath(options.ReportPath)}; truth: {outcome.TruthPath}");
                return ExitCodes.Ok;
            }
            catch (CommandException e)
            {
                await error.WriteLineAsync(e.Message).ConfigureAwait(false);
                return e.ExitCode;
            }
        });
        return command;
    }

    private static CommandException Usage(string message) => new(message, ExitCodes.Usage);

    internal static (int Min, int Max) Range(string text)
    {
        var parts = text.Split('-');
        return parts.Length == 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var min)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var max) && min >= 1 && max >= min
            ? (min, max)
            : throw Usage($"--consumers-per-transformer {text}: MIN-MAX, 1 ≤ MIN ≤ MAX");
    }

    internal static Dictionary<TheftPattern, double> Mix(string text)
    {
        var mix = new Dictionary<TheftPattern, double>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var pair = part.Split('=');
            if (pair.Length != 2 || TheftTruthFile.PatternOf(pair[0]) is not { } pattern
                || !double.TryParse(pair[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var weight) || !(weight >= 0) || !mix.TryAdd(pattern, weight))
            {
                throw Usage($"--theft-mix {text}: PATTERN=WEIGHT,… with patterns bypass, magnet, neutral, reversed (each once) and weights ≥ 0");
            }
        }

        return mix;
    }
}
