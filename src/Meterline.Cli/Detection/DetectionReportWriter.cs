using System.Globalization;
using System.Text;
using Meterline.Simulator.Theft;
using Spectre.Console;

namespace Meterline.Cli.Detection;

/// <summary>The detection report as a Spectre.Console table and as markdown (the same figures).</summary>
internal static class DetectionReportWriter
{
    public static void WriteTable(IAnsiConsole console, DetectionOptions options, DetectionOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(outcome);
        var result = outcome.Result;
        var table = new Table().Title("Theft detection").AddColumns("pattern", "thefts", "by alert", "by balance", "detected", "detection rate", "false positives", "FP rate");
        foreach (var (label, line) in Rows(result))
        {
            table.AddRow([.. Cells(label, line).Select(Markup.Escape)]);
        }

        console.Write(table);
        foreach (var line in Notes(options, outcome))
        {
            console.WriteLine(line);
        }
    }

    public static string Markdown(DetectionOptions options, DetectionOutcome outcome, string command)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(outcome);
        var text = new StringBuilder();
        text.AppendLine("# Theft detection report").AppendLine();
        text.Append(CultureInfo.InvariantCulture, $"Command: `{command}`").AppendLine().AppendLine();
        text.AppendLine("| pattern | thefts | by alert | by balance | detected | detection rate | false positives | FP rate |");
        text.AppendLine("|---------|-------:|---------:|-----------:|---------:|---------------:|----------------:|--------:|");
        foreach (var (label, line) in Rows(outcome.Result))
        {
            text.Append("| ").AppendJoin(" | ", Cells(label, line)).AppendLine(" |");
        }

        text.AppendLine();
        foreach (var line in Notes(options, outcome))
        {
            text.Append("- ").AppendLine(line);
        }

        text.AppendLine().AppendLine("| meter | pattern | start | end | share | first alert | delay | balance rank |");
        text.AppendLine("|-------|---------|-------|-----|------:|-------------|------:|-------------:|");
        foreach (var v in outcome.Result.Verdicts)
        {
            text.Append(CultureInfo.InvariantCulture,
                $"| {v.Theft.Meter} | {TheftTruthFile.NameOf(v.Theft.Pattern)} | {v.Theft.Start:yyyy-MM-dd HH:mm} | {(v.Theft.End is { } e ? e.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) : "end")} | {(v.Theft.Share is { } s ? s.ToString("0.00", CultureInfo.InvariantCulture) : "")} | {v.FirstAlert ?? "—"} | {(v.AlertDelay is { } d ? d.TotalHours.ToString("0.0", CultureInfo.InvariantCulture) + " h" : "—")} | {(v.BalanceRank?.ToString(CultureInfo.InvariantCulture) ?? "—")} |").AppendLine();
        }

        return text.ToString();
    }

    private static IEnumerable<string> Notes(DetectionOptions options, DetectionOutcome outcome)
    {
        var r = outcome.Result;
        var c = CultureInfo.InvariantCulture;
        yield return string.Create(c, $"Fleet: {options.Meters} consumer meters under {outcome.Transformers} transformers (each with its own meter), {options.Days:0.##} simulated days from {options.Start:u} at speed {options.Speed:0}; seed {options.Seed}, theft seed {options.TheftSeed}; {r.Thefts} thefts ({options.Thefts.Share:P1} of consumers).");
        yield return string.Create(c, $"Detected: {r.Detected} of {r.Thefts} ({Rate(r.Thefts == 0 ? null : (double)r.Detected / r.Thefts)}). A theft counts as detected by alert when a theft, tamper or integrity alert on its meter covers data from its start to {options.Delay.TotalHours:0} h after; by balance when its transformer lost at least {options.LossThresholdPercent:0.#} % over the run and it ranks in its top {options.TopK} by the balance's evidence, estimated hidden share × confidence (positive only; known at the run's end).");
        yield return string.Create(c, $"False positives: {r.HonestWithAlert} of {r.HonestMeters} honest consumer meters have an alert ({Rate(r.FalsePositiveRate)}); per pattern, an alert of a rule pointing at that pattern. Honest meters in a balance top {options.TopK} (not alerts, counted apart): {r.HonestInBalanceTopK}.");
        yield return string.Create(c, $"Energy balance: {r.Transformers} transformers, median loss over the run {(r.MedianLossPercent is { } m ? m.ToString("0.0", c) + " %" : "n/a")}.");
        yield return string.Create(c, $"Head-end: {outcome.ReadingsStored:N0} records stored; meters dropped {outcome.PushesDropped:N0} pushes; run took {outcome.Elapsed.TotalMinutes:0.0} min.");
        yield return string.Create(c, $"Analytics window re-read (2 days of every quantity and the events, per meter): {outcome.WindowReads.MillisecondsPerMeter:0.00} ms and {outcome.WindowReads.RowsPerMeter:0} rows per meter; {outcome.WindowReads.Meters} meters in {outcome.WindowReads.Elapsed.TotalSeconds:0.0} s.");
    }

    /// <summary>Each pattern's line, then the overall one (any alert; its pattern field is unused).</summary>
    private static IEnumerable<(string Label, PatternScore Line)> Rows(DetectionResult r) =>
        r.Patterns.Select(p => (TheftTruthFile.NameOf(p.Pattern), p)).Append(("all", new PatternScore(default, r.Thefts,
            r.Verdicts.Count(v => v.FirstAlert is not null), r.Verdicts.Count(v => v.BalanceRank is not null), r.Detected, r.HonestWithAlert, r.HonestMeters)));

    private static string[] Cells(string label, PatternScore line) =>
    [
        label,
        line.Thefts.ToString(CultureInfo.InvariantCulture),
        line.ByAlert.ToString(CultureInfo.InvariantCulture),
        line.ByBalance.ToString(CultureInfo.InvariantCulture),
        line.Detected.ToString(CultureInfo.InvariantCulture),
        Rate(line.DetectionRate),
        line.FalsePositives.ToString(CultureInfo.InvariantCulture),
        Rate(line.FalsePositiveRate),
    ];

    private static string Rate(double? rate) => rate is { } r ? (100 * r).ToString("0.0", CultureInfo.InvariantCulture) + " %" : "n/a";
}
