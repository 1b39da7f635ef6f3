#:project ../../../src/Meterline.Storage
#:project ../../../src/Meterline.HeadEnd
#:property TreatWarningsAsErrors=false

// Replays the energy-balance hidden-span search offline on a detection-report run's database (--data), for every
// transformer with a bypass in the truth file: prints the spans found with the default thresholds, and with the
// acceptance tests relaxed (MinRobustZ 0, MinSignificance 10, MinConfidence 0, MinHiddenShare 0.01) so that a
// missed tap's own statistics can be read. Usage: dotnet run SpanReplay.cs -- <data dir> <truth.json> [MinSignificance=30 MinRobustZ=5 ...]
// (with settings given, only that variant is run)
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
foreach (var setting in args.Skip(2).Select(a => a.Split('=')))
{
    var value = double.Parse(setting[1], CultureInfo.InvariantCulture);
    variant = setting[0] switch
    {
        "MinSignificance" => variant with { MinSignificance = value },
        "MinRobustZ" => variant with { MinRobustZ = value },
        "MinConfidence" => variant with { MinConfidence = value },
        "MaxSpans" => variant with { MaxSpans = (int)value },
        _ => throw new ArgumentException(setting[0]),
    };
}
foreach (var transformer in thefts.Where(t => t.Pattern == "bypass").Select(t => bySerial[t.Meter].TransformerId!).Distinct().Order())
{
    var consumers = meters.Where(m => m.TransformerId == transformer).ToDictionary(m => m.Id);
    Console.WriteLine($"## {transformer}: {consumers.Count} meters (incl. its own)");
    foreach (var theft in thefts.Where(t => bySerial[t.Meter].TransformerId == transformer))
    {
        Console.WriteLine(FormattableString.Invariant($"- truth {theft.Meter} {theft.Pattern} {theft.Start:MM-dd HH:mm} to {theft.End?.ToString("MM-dd HH:mm", CultureInfo.InvariantCulture) ?? "end"} share {theft.Share:0.00}"));
    }

    foreach (var (name, options) in (args.Length > 2 ? new[] { ("variant", variant) } : new[] { ("default", new EnergyBalanceOptions()), ("relaxed", relaxed) }))
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
            Console.WriteLine(FormattableString.Invariant($"    {serial} {thief} {complete[span.From].Time:MM-dd HH:mm} to {complete[span.To - 1].Time:MM-dd HH:mm} share {span.HiddenShare:0.00} F {span.Significance:0} explained {span.Explained:0.00} z {span.RobustZ:0.0}"));
        }
    }
}
