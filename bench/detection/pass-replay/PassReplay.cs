#:project ../../../src/Meterline.Storage
#:project ../../../src/Meterline.HeadEnd

// Re-scores a detection-report run's energy-balance alerts offline under the current alert store: copies the run's
// database, removes its energy-balance alerts, replays the analytics' full pass every PERIOD hours of simulated time
// (each transformer over the Window ending then), raises every finding through the store in order, and scores the
// bypasses as the report does (an alert whose data reaches the theft's start, less one block, and begins at most 24 h
// after it) and the honest meters alerted. Usage: dotnet run PassReplay.cs -- <data dir> <truth.json> <period hours> [BriefSpanIntervals=0 ...]
using System.Globalization;
using System.Text.Json;
using Meterline.HeadEnd.Analytics;
using Meterline.HeadEnd.Analytics.Balance;
using Meterline.HeadEnd.Meters;
using Meterline.Storage;
using Microsoft.Data.Sqlite;

var (data, truthPath, period) = (args[0], args[1], TimeSpan.FromHours(double.Parse(args[2], CultureInfo.InvariantCulture)));
var options = new EnergyBalanceOptions();
foreach (var setting in args.Skip(3).Select(a => a.Split('=')))
{
    var value = double.Parse(setting[1], CultureInfo.InvariantCulture);
    options = setting[0] switch
    {
        "BriefSpanIntervals" => options with { BriefSpanIntervals = (int)value },
        "ShortSpanIntervals" => options with { ShortSpanIntervals = (int)value },
        _ => throw new ArgumentException(setting[0]),
    };
}

using var truth = JsonDocument.Parse(await File.ReadAllTextAsync(truthPath));
var (start, end) = (truth.RootElement.GetProperty("start").GetDateTimeOffset(), truth.RootElement.GetProperty("end").GetDateTimeOffset());
var copy = Path.Combine(Path.GetTempPath(), $"pass-replay-{Environment.ProcessId}.db");
File.Copy(Path.Combine(data, "meterline.db"), copy, overwrite: true);
await using (var connection = new SqliteConnection("Data Source=" + copy))
{
    await connection.OpenAsync();
    await using var delete = connection.CreateCommand();
    delete.CommandText = "DELETE FROM alerts WHERE rule = 'energy-balance'";
    Console.WriteLine($"removed {await delete.ExecuteNonQueryAsync()} energy-balance alerts of the live run");
}

await using var storage = await HeadEndStorage.OpenAsync("Data Source=" + copy);
var meters = new List<Meter>();
string? token = null;
do
{
    var page = await storage.Meters.ListAsync(new MeterFilter(), 500, token);
    meters.AddRange(page.Items);
    token = page.NextPageToken;
}
while (token is not null);

var service = new EnergyBalanceService(storage.Meters, storage.Readings, storage.Transformers, storage.Alerts, options);
var transformers = meters.Select(m => m.TransformerId).OfType<string>().Distinct().Order().ToList();
var passes = 0;
var firstSeen = new Dictionary<AlertId, DateTimeOffset>();
for (var at = start + TimeSpan.FromDays(1); at <= end + period; at += period)
{
    var to = at > end ? end : at;
    foreach (var transformer in transformers)
    {
        if (await service.CalculateAsync(transformer, to - options.Window, to) is { } balance)
        {
            foreach (var finding in EnergyBalanceRule.Evaluate(balance, options))
            {
                var raised = await storage.Alerts.RaiseAsync(finding, to);
                if (raised.Alert is { } alert && firstSeen.TryGetValue(alert.Id, out var before) && alert.FirstSeen < before)
                {
                    // The store change of session 21: a later finding that starts earlier moves the open alert's start back.
                    Console.WriteLine(FormattableString.Invariant($"pass {to:MM-dd HH:mm}: alert {alert.Id.Value} of meter {alert.Meter.Value} moved back from {before:MM-dd HH:mm} to {alert.FirstSeen:MM-dd HH:mm}"));
                }

                if (raised.Alert is { } kept)
                {
                    firstSeen[kept.Id] = kept.FirstSeen;
                }
            }
        }
    }

    passes++;
    if (to == end)
    {
        break;
    }
}

var alerts = await storage.Alerts.ListAsync(new AlertFilter(RuleId: EnergyBalanceRule.RuleId), null, 10_000);
var serials = meters.ToDictionary(m => m.Id, m => m.Serial);
var thefts = truth.RootElement.GetProperty("thefts").EnumerateArray().Where(t => t.GetProperty("pattern").GetString() == "bypass")
    .Select(t => (Meter: t.GetProperty("meter").GetString()!, Start: t.GetProperty("start").GetDateTimeOffset())).ToList();
var block = TimeSpan.FromMinutes(15);
var detected = 0;
foreach (var theft in thefts)
{
    var own = alerts.Where(a => serials[a.Meter] == theft.Meter).ToList();
    var hit = own.Any(a => a.LastSeen >= theft.Start - block && a.FirstSeen <= theft.Start + TimeSpan.FromHours(24));
    detected += hit ? 1 : 0;
    Console.WriteLine(FormattableString.Invariant($"{theft.Meter} start {theft.Start:MM-dd HH:mm} {(hit ? "detected" : "MISSED")} alerts: {string.Join("; ", own.Select(a => $"{a.FirstSeen:MM-dd HH:mm} to {a.LastSeen:MM-dd HH:mm}"))}"));
}

var thieves = thefts.Select(t => t.Meter).ToHashSet();
var honest = alerts.Select(a => serials[a.Meter]).Where(s => !thieves.Contains(s)).Distinct().Order().ToList();
Console.WriteLine($"passes {passes} every {period.TotalHours} h; bypass detected by energy-balance alert {detected}/{thefts.Count}; honest meters with an energy-balance alert {honest.Count}: {string.Join(", ", honest)}");
File.Delete(copy);
