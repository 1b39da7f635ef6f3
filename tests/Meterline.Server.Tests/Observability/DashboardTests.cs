using System.Text.Json;
using System.Text.RegularExpressions;

namespace Meterline.Server.Tests.Observability;

/// <summary>
/// The metric table of docs/observability.md and the Grafana dashboard against the instruments the code creates:
/// a renamed or new instrument that the documentation or the dashboard does not follow fails here.
/// </summary>
public sealed partial class DashboardTests
{
    private static readonly string Root = RunningServer.RepositoryRoot();

    [Fact]
    public void Documentation_ListsEveryInstrumentTheCodeCreates()
    {
        var documented = File.ReadAllText(Path.Combine(Root, "docs", "observability.md"));
        var instruments = Instruments();

        Assert.True(instruments.Count >= 20, $"{instruments.Count} instruments found");
        foreach (var name in instruments)
        {
            Assert.Contains("`" + name, documented, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Dashboard_QueriesOnlyMetricsTheNodeExports()
    {
        using var dashboard = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "docs", "observability", "grafana-dashboard.json")));
        var instruments = Instruments();
        var expressions = dashboard.RootElement.GetProperty("panels").EnumerateArray()
            .SelectMany(panel => panel.GetProperty("targets").EnumerateArray())
            .Select(target => target.GetProperty("expr").GetString()!)
            .ToArray();

        Assert.True(expressions.Length >= 15, $"{expressions.Length} queries");
        var queried = expressions.SelectMany(e => MetricName().Matches(e)).Select(m => m.Value).Distinct().ToArray();
        Assert.True(queried.Length >= 12, string.Join(", ", queried));
        foreach (var metric in queried)
        {
            var instrument = Suffix().Replace(metric, string.Empty);
            Assert.True(instruments.Contains(instrument), $"the dashboard queries {metric}, which no instrument exports");
        }
    }

    /// <summary>Every <c>meterline.*</c> instrument created in src/, in Prometheus form without suffixes.</summary>
    private static HashSet<string> Instruments()
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(Path.Combine(Root, "src"), "*.cs", SearchOption.AllDirectories))
        {
            foreach (Match match in Creation().Matches(File.ReadAllText(file)))
            {
                names.Add(match.Groups["name"].Value.Replace('.', '_'));
            }
        }

        return names;
    }

    [GeneratedRegex(@"Create(?:Counter|Histogram|UpDownCounter|ObservableGauge|ObservableCounter|ObservableUpDownCounter)(?:<[a-z]+>)?\(\s*""(?<name>meterline\.[a-z_.]+)""")]
    private static partial Regex Creation();

    [GeneratedRegex(@"\bmeterline_[a-z_]+")]
    private static partial Regex MetricName();

    [GeneratedRegex(@"(_seconds)?(_total|_bucket|_count|_sum)?$")]
    private static partial Regex Suffix();
}
