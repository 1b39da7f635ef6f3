#:project ../../../src/Meterline.Storage
#:project ../../../src/Meterline.HeadEnd

// Replays the energy-balance hidden-span search offline on a detection-report run's database (--data), for every
// transformer with a bypass in the truth file: prints the spans found with the default thresholds, and with the
// acceptance tests relaxed (MinRobustZ 0, MinSignificance 10, MinConfidence 0, MinHiddenShare 0.01) so that a
// missed tap's own statistics can be read. Usage: dotnet run SpanReplay.cs -- <data dir> <truth.json> [MinSignificance=30 MinRobustZ=5 ...]
// (with settings given, only that variant is run). With "oracle": each bypass's statistics over its TRUE span, against
// the base fit alone and given every other true bypass span of its transformer (level, total and series columns each),
// over the changes between fully tapped intervals only (the changes into and out of a tap are level shifts); and
// "edges": given the others, with the tap's column the change of its series counted over the tapped intervals only,
// so that those two level shifts are evidence (what a search column modelling a tap's entry and exit would see).
// With "all": every transformer, not only those with a bypass (for the honest meters' spans). Each span printed
// carries its same-hours evidence (days, excess loss and its p, the meter's drop and its p; docs/analytics.md).
using System.Globalization;
using System.Text.Json;
using Meterline.HeadEnd.Analytics.Balance;
using Meterline.HeadEnd.Meters;
using Meterline.Storage;

var (data, truthPath) = (args[0], args[1]);
using var truth = JsonDocument.Parse(await File.ReadAllTextAsync(truthPath));
var (start, end) = (truth.RootElement.GetProperty("start").GetDateTimeOffset(), truth.RootElement.GetProperty("end").GetDateTimeOffset());
await using var storage = await HeadEndStorage.OpenAsync("Data Source=" + Path.Combine(data, "meterline.db"));
var meters = new List<Meter>();
string? token = null;
do
{
    var page = await storage.Meters.ListAsync(new MeterFilter(), 500, token);
    meters.AddRange(page.Items);
    token = page.NextPageToken;
}
while (token is not null);

var bySerial = meters.ToDictionary(m => m.Serial);
var thefts = truth.RootElement.GetProperty("thefts").EnumerateArray().Select(t => (
    Meter: t.GetProperty("meter").GetString()!,
    Pattern: t.GetProperty("pattern").GetString()!,
    Start: t.GetProperty("start").GetDateTimeOffset(),
    End: t.GetProperty("end").ValueKind == JsonValueKind.Null ? (DateTimeOffset?)null : t.GetProperty("end").GetDateTimeOffset(),
    Share: t.TryGetProperty("share", out var s) ? s.GetDouble() : 0)).ToList();
var relaxed = new EnergyBalanceOptions { MinRobustZ = 0, MinSignificance = 10, MinConfidence = 0, MinHiddenShare = 0.01 };
var variant = new EnergyBalanceOptions();
var oracle = args.Contains("oracle");
var everyTransformer = args.Contains("all");
var settings = args.Skip(2).Where(a => a is not "oracle" and not "all").ToList();
foreach (var setting in settings.Select(a => a.Split('=')))
{
    var value = double.Parse(setting[1], CultureInfo.InvariantCulture);
    variant = setting[0] switch
    {
        "MinSignificance" => variant with { MinSignificance = value },
        "MinRobustZ" => variant with { MinRobustZ = value },
        "MinConfidence" => variant with { MinConfidence = value },
        "MaxSpans" => variant with { MaxSpans = (int)value },
        "MaxSameHoursP" => variant with { MaxSameHoursP = value },
        "MaxSameHoursDropP" => variant with { MaxSameHoursDropP = value },
        "MinSameHoursDays" => variant with { MinSameHoursDays = (int)value },
        "SameHoursMatch" => variant with { SameHoursMatch = value },
        "ProvisionalRobustZ" => variant with { ProvisionalRobustZ = value },
        "LongSpanIntervals" => variant with { LongSpanIntervals = (int)value },
        "MinLongSpanShareT" => variant with { MinLongSpanShareT = value },
        "ShortSpanIntervals" => variant with { ShortSpanIntervals = (int)value },
        "MinShortSpanShareT" => variant with { MinShortSpanShareT = value },
        "MinLongSpanRobustZ" => variant with { MinLongSpanRobustZ = value },
        "BriefSpanIntervals" => variant with { BriefSpanIntervals = (int)value },
        "MinBriefSpanShareT" => variant with { MinBriefSpanShareT = value },
        "MinBriefSpanRobustZ" => variant with { MinBriefSpanRobustZ = value },
        "SubDaySpanIntervals" => variant with { SubDaySpanIntervals = (int)value },
        "MinSubDayShareT" => variant with { MinSubDayShareT = value },
        "MaxSubDaySameHoursP" => variant with { MaxSubDaySameHoursP = value },
        _ => throw new ArgumentException(setting[0]),
    };
}
var transformers = everyTransformer ? meters.Where(m => m.TransformerId is not null).Select(m => m.TransformerId!) : thefts.Where(t => t.Pattern == "bypass").Select(t => bySerial[t.Meter].TransformerId!);
foreach (var transformer in transformers.Distinct().Order())
{
    var consumers = meters.Where(m => m.TransformerId == transformer).ToDictionary(m => m.Id);
    Console.WriteLine($"## {transformer}: {consumers.Count} meters (incl. its own)");
    foreach (var theft in thefts.Where(t => bySerial[t.Meter].TransformerId == transformer))
    {
        Console.WriteLine(FormattableString.Invariant($"- truth {theft.Meter} {theft.Pattern} {theft.Start:MM-dd HH:mm} to {theft.End?.ToString("MM-dd HH:mm", CultureInfo.InvariantCulture) ?? "end"} share {theft.Share:0.00}"));
    }

    if (oracle)
    {
        await Oracle(transformer, consumers);
        continue;
    }

    foreach (var (name, options) in (settings.Count > 0 ? new[] { ("variant", variant) } : new[] { ("default", new EnergyBalanceOptions()), ("relaxed", relaxed) }))
    {
        var service = new EnergyBalanceService(storage.Meters, storage.Readings, storage.Transformers, storage.Alerts, options);
        var balance = await service.CalculateAsync(transformer, start, end);
        if (balance?.HiddenSpans is not { } spans)
        {
            Console.WriteLine($"  {name}: no search");
            continue;
        }

        var complete = balance.Intervals.Where(i => i.IsComplete).ToList();
        Console.WriteLine($"  {name}: {complete.Count} complete intervals of {balance.Intervals.Count}");
        foreach (var span in spans)
        {
            var serial = consumers.TryGetValue(balance.Consumers[span.Consumer], out var m) ? m.Serial : balance.Consumers[span.Consumer].ToString();
            var thief = thefts.Any(t => t.Meter == serial) ? "THIEF" : "honest";
            Console.WriteLine(FormattableString.Invariant($"    {serial} {thief} {complete[span.From].Time:MM-dd HH:mm} to {complete[span.To - 1].Time:MM-dd HH:mm} share {span.HiddenShare:0.00} F {span.Significance:0} explained {span.Explained:0.00} z {span.RobustZ:0.0} t {span.ShareT:0.0} L {span.To - span.From}{SameHours(span.SameHours)}"));
        }
    }
}

static string SameHours(SameHoursEvidence? e) => e is null ? " same-hours none" :
    FormattableString.Invariant($" same-hours days {e.Days} excess {e.Excess:0.0} p {e.ExcessP:0.0000} drop {e.Drop:0.0} p {e.DropP:0.0000} registered {e.Registered:0.0}");

async Task Oracle(string transformer, Dictionary<MeterId, Meter> consumers)
{
    var balance = (await new EnergyBalanceService(storage.Meters, storage.Readings, storage.Transformers, storage.Alerts).CalculateAsync(transformer, start, end))!;
    var complete = balance.Intervals.Where(i => i.IsComplete).ToList();
    var index = complete.Select((c, i) => (c.Time, i)).ToDictionary(p => p.Time, p => p.i);
    var series = new List<double[]>();
    var levels = new List<double[]>();
    foreach (var id in balance.Consumers)
    {
        var values = new double[complete.Count];
        string? page = null;
        do
        {
            var result = await storage.Readings.QueryAsync(new Meterline.HeadEnd.Readings.ReadingQuery(id, start, end.AddDays(1), [Meterline.HeadEnd.Readings.Quantity.BlockImportEnergy], 10_000, page));
            foreach (var r in result.Items.Where(r => index.ContainsKey(r.Time)))
            {
                values[index[r.Time]] = r.Value;
            }

            page = result.NextPageToken;
        }
        while (page is not null);
        series.Add(Diff(values));
        levels.Add(values);
    }

    var y = Diff([.. complete.Select(c => c.Loss!.Value)]);
    var m = y.Length;
    var total = new double[m];
    foreach (var x in series) { for (var t = 0; t < m; t++) { total[t] += x[t]; } }
    // The changes between two fully tapped intervals (an interval's time is its end): the change into the first
    // tapped interval and the one out of the last are level shifts (the registration drops by the hidden share as the
    // loss rises by it), not the proportional jumps the search fits, and one such shift can outweigh a short span.
    (int From, int To) Span(DateTimeOffset from, DateTimeOffset? to)
    {
        var first = complete.FindIndex(c => c.Time - TimeSpan.FromMinutes(15) >= from);
        var last = to is { } e ? complete.FindLastIndex(c => c.Time <= e) : m;
        return first < 0 ? (m, m) : (first, Math.Max(first, Math.Min(last, m)));
    }
    var taps = thefts.Where(t => t.Pattern == "bypass" && bySerial[t.Meter].TransformerId == transformer)
        .Select(t => (t.Meter, Consumer: balance.Consumers.ToList().IndexOf(bySerial[t.Meter].Id), Span: Span(t.Start, t.End), t.Share)).ToList();
    foreach (var tap in taps)
    {
        if (tap.Span.To - tap.Span.From < 4)
        {
            Console.WriteLine($"  {tap.Meter}: fewer than 4 fully tapped changes among the complete intervals");
            continue;
        }

        foreach (var (mode, others) in new[] { ("alone", taps.Take(0)), ("joint", taps.Where(o => o.Meter != tap.Meter)), ("edges", taps.Where(o => o.Meter != tap.Meter)) })
        {
            // "edges": given the others, the tap's column is the change of (its registered series while tapped), so the
            // changes into and out of the tap (level shifts) are evidence too; its statistics over those changes as well.
            var edges = mode == "edges";
            var (from, to) = edges ? (Math.Max(0, tap.Span.From - 1), Math.Min(m, tap.Span.To + 1)) : tap.Span;
            double[] Column(int consumer) => edges ? Edge(levels[consumer], tap.Span) : series[consumer];
            var columns = new List<double[]> { Enumerable.Repeat(1.0, m).ToArray(), total };
            foreach (var o in others)
            {
                columns.Add(Ind(o.Span, null));
                columns.Add(Ind(o.Span, total));
                columns.Add(Ind(o.Span, series[o.Consumer]));
            }

            columns.Add(Ind((from, to), null));
            columns.Add(Ind((from, to), total));
            columns.Add(edges ? Column(tap.Consumer) : Ind(tap.Span, series[tap.Consumer]));
            var full = Res(columns, y);
            var without = Res([.. columns.Take(columns.Count - 1)], y);
            double rf = 0, rw = 0;
            for (var t = from; t < to; t++) { rf += full.R[t] * full.R[t]; rw += without.R[t] * without.R[t]; }
            var explained = (rw - rf) / rw;
            var f = (rw - rf) / (rf / Math.Max(1, to - from - 3));
            var beta = full.Theta[^1] / (1 + full.Theta[1]);
            // Robust z of the partial correlation (net of the span's level and total) with the residual without the tap's column.
            var correlations = Enumerable.Range(0, series.Count).Select(k => Partial(Column(k), without.R, total, from, to)).ToList();
            var own = correlations[tap.Consumer];
            var rest = correlations.Where((_, i) => i != tap.Consumer).Order().ToList();
            var median = rest[rest.Count / 2];
            var mad = 1.4826 * rest.Select(c => Math.Abs(c - median)).Order().ElementAt(rest.Count / 2);
            Console.WriteLine(FormattableString.Invariant($"  {tap.Meter} true share {tap.Share:0.00} span {to - from} changes, {mode}: share {beta / (1 + beta):0.00} F {f:0} explained {explained:0.00} z {(own - median) / mad:0.0}"));
        }
    }

    // The changes of a consumer's registered series counted only over the tapped intervals [From, To] (the changes
    // [From, To) join them): nonzero from the change into the first to the change out of the last.
    double[] Edge(double[] level, (int From, int To) span)
    {
        var c = new double[m];
        for (var t = 0; t < m; t++)
        {
            var (inNow, inNext) = (t >= span.From && t <= span.To, t + 1 >= span.From && t + 1 <= span.To);
            c[t] = (inNext ? level[t + 1] : 0) - (inNow ? level[t] : 0);
        }

        return c;
    }

    double[] Ind((int From, int To) span, double[]? x) { var c = new double[m]; for (var t = span.From; t < Math.Min(span.To, m); t++) { c[t] = x is null ? 1 : x[t]; } return c; }
}

static double[] Diff(double[] v) => [.. Enumerable.Range(0, Math.Max(0, v.Length - 1)).Select(t => v[t + 1] - v[t])];

static (double[] R, double[] Theta) Res(List<double[]> columns, double[] y)
{
    var p = columns.Count;
    var a = new double[p, p + 1];
    for (var i = 0; i < p; i++)
    {
        for (var k = 0; k < p; k++) { a[i, k] = columns[i].Zip(columns[k], (u, v) => u * v).Sum() + (i == k ? 1e-9 : 0); }
        a[i, p] = columns[i].Zip(y, (u, v) => u * v).Sum();
    }

    for (var i = 0; i < p; i++)
    {
        var pivot = Enumerable.Range(i, p - i).MaxBy(r => Math.Abs(a[r, i]));
        for (var k = 0; k <= p; k++) { (a[i, k], a[pivot, k]) = (a[pivot, k], a[i, k]); }
        for (var r = 0; r < p; r++)
        {
            if (r == i || a[i, i] == 0) { continue; }
            var factor = a[r, i] / a[i, i];
            for (var k = i; k <= p; k++) { a[r, k] -= factor * a[i, k]; }
        }
    }

    var theta = Enumerable.Range(0, p).Select(i => a[i, i] == 0 ? 0 : a[i, p] / a[i, i]).ToArray();
    var residual = y.Select((v, t) => v - Enumerable.Range(0, p).Sum(i => theta[i] * columns[i][t])).ToArray();
    return (residual, theta);
}

double Partial(double[] x, double[] r, double[] total, int from, int to)
{
    var basis = new List<double[]> { Enumerable.Repeat(1.0, to - from).ToArray(), total[from..to] };
    return Corr(Res(basis, x[from..to]).R, Res(basis, r[from..to]).R);
}

static double Corr(double[] a, double[] b)
{
    var (ma, mb) = (a.Average(), b.Average());
    var (sab, saa, sbb) = (0.0, 0.0, 0.0);
    for (var i = 0; i < a.Length; i++) { sab += (a[i] - ma) * (b[i] - mb); saa += (a[i] - ma) * (a[i] - ma); sbb += (b[i] - mb) * (b[i] - mb); }
    return saa <= 1e-12 || sbb <= 1e-12 ? 0 : sab / Math.Sqrt(saa * sbb);
}
