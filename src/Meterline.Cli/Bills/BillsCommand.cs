using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Meterline.Cli.Api;
using Meterline.Cli.Dlms;
using Spectre.Console;

namespace Meterline.Cli.Bills;

/// <summary>
/// `meterline bills`: bills through the head-end's API (docs/billing.md) — list a month's or a meter's bills, show one,
/// issue a month's bill for one meter or for every billed meter, and save the printable bill as an HTML file.
/// </summary>
internal static class BillsCommand
{
    private const string ProblemPrefix = "urn:meterline:problem:";

    public static Command Create(TextWriter output, TextWriter error)
    {
        var api = new ApiConnectionOptions();
        var command = new Command("bills", "Bills (through the head-end's API): list, show, issue, print");
        api.AddTo(command);
        command.Add(CreateList(api, output, error));
        command.Add(CreateShow(api, output, error));
        command.Add(CreateIssue(api, output, error));
        command.Add(CreatePrint(api, output, error));
        return command;
    }

    private static Command CreateList(ApiConnectionOptions api, TextWriter output, TextWriter error)
    {
        var month = new Option<string?>("--month") { Description = "The billing month, yyyy-MM: its bills of every meter (or of --meter)" };
        var meter = new Option<string?>("--meter") { Description = "A meter's serial or id: its bills, newest first" };
        var limit = new Option<int>("--limit") { Description = "List at most this many bills (1 to 100000)", DefaultValueFactory = _ => 100 };
        var command = new Command("list", "List bills of a month (--month), of a meter (--meter), or of a meter in a month (both)") { month, meter, limit };
        command.SetAction((result, cancellationToken) => ApiCommand.RunAsync(error, async () =>
        {
            var max = result.GetValue(limit);
            var billingMonth = result.GetValue(month);
            var serial = result.GetValue(meter);
            if (max is < 1 or > 100_000)
            {
                throw new CommandException("--limit is 1 to 100000", ApiExitCodes.Usage);
            }

            if (billingMonth is null && serial is null)
            {
                throw new CommandException("give --month yyyy-MM, --meter SERIAL, or both", ApiExitCodes.Usage);
            }

            CheckMonth(billingMonth);
            using var client = api.CreateClient(result);
            var bills = new List<JsonElement>();
            var more = false;
            if (serial is not null)
            {
                var list = await client.GetAsync($"/api/meters/{ApiCommand.Escape(serial)}/bills?limit=1000", cancellationToken).ConfigureAwait(false);
                var matching = list.EnumerateArray().Where(b => billingMonth is null || JsonFields.Text(b, "month") == billingMonth).ToList();
                bills.AddRange(matching.Take(max));
                more = matching.Count > max;
            }
            else
            {
                string? token = null;
                do
                {
                    var size = Math.Min(1000, max - bills.Count);
                    var query = string.Create(CultureInfo.InvariantCulture, $"/api/bills?month={billingMonth}&pageSize={size}") + (token is null ? string.Empty : "&pageToken=" + ApiCommand.Escape(token));
                    var page = await client.GetAsync(query, cancellationToken).ConfigureAwait(false);
                    bills.AddRange(JsonFields.Items(page));
                    token = JsonFields.NextPageToken(page);
                }
                while (token is not null && bills.Count < max);
                more = token is not null;
            }

            var table = new Table().AddColumns("Number", "Meter", "Consumer", "Month", "Rev", "kWh", "Total", "Estimated", "Issued", "By");
            foreach (var bill in bills)
            {
                table.AddRow([.. Meters.MetersCommand.Cells(bill, "number", "serial", "consumerId", "month", "revision", "consumptionKwh"),
                    Markup.Escape(BillText.Money(bill, "total", JsonFields.Text(bill, "currency"))), .. Meters.MetersCommand.Cells(bill, "estimated", "issuedAt", "issuedBy")]);
            }

            var console = CliConsole.For(output);
            console.Write(table);
            console.WriteLine(more ? $"{bills.Count} bills shown; more exist (raise --limit)" : $"{bills.Count} bills");
            return ApiExitCodes.Ok;
        }));
        return command;
    }

    private static Command CreateShow(ApiConnectionOptions api, TextWriter output, TextWriter error)
    {
        var number = new Argument<string>("number") { Description = "The bill number, e.g. 202603-000042-1" };
        var command = new Command("show", "Show one bill: its facts, lines and amount due") { number };
        command.SetAction((result, cancellationToken) => ApiCommand.RunAsync(error, async () =>
        {
            using var client = api.CreateClient(result);
            var bill = await client.GetAsync("/api/bills/" + ApiCommand.Escape(result.GetValue(number)!), cancellationToken).ConfigureAwait(false);
            BillText.Write(CliConsole.For(output), bill);
            return ApiExitCodes.Ok;
        }));
        return command;
    }

    private static Command CreateIssue(ApiConnectionOptions api, TextWriter output, TextWriter error)
    {
        var month = new Option<string>("--month") { Description = "The billing month, yyyy-MM (it must have ended in the tariff's time zone)", Required = true };
        var meter = new Option<string?>("--meter") { Description = "Issue for this meter (serial or id) only; default: every meter with a consumer" };
        var reissue = new Option<bool>("--reissue") { Description = "Issue a new revision of a month already billed (the old one stays readable)" };
        var command = new Command("issue", "Issue a month's bill for one meter, or for every meter with a consumer (audited, as --actor)") { month, meter, reissue };
        command.SetAction((result, cancellationToken) => ApiCommand.RunAsync(error, async () =>
        {
            var billingMonth = result.GetValue(month)!;
            CheckMonth(billingMonth);
            var body = new JsonObject { ["month"] = billingMonth, ["reissue"] = result.GetValue(reissue) }.ToJsonString();
            using var client = api.CreateClient(result, TimeSpan.FromMinutes(2));
            var console = CliConsole.For(output);
            if (result.GetValue(meter) is { } serial)
            {
                var issued = (await client.PostJsonAsync($"/api/meters/{ApiCommand.Escape(serial)}/bills", body, cancellationToken).ConfigureAwait(false)).Body;
                console.WriteLine(Issued(issued));
                return ApiExitCodes.Ok;
            }

            var counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
            var failed = false;
            string? token = null;
            do
            {
                var page = await client.GetAsync("/api/meters?pageSize=500" + (token is null ? string.Empty : "&pageToken=" + ApiCommand.Escape(token)), cancellationToken).ConfigureAwait(false);
                foreach (var registered in JsonFields.Items(page).Where(m => JsonFields.Text(m, "consumer") != "-"))
                {
                    var name = JsonFields.Text(registered, "serial");
                    try
                    {
                        var issued = (await client.PostJsonAsync($"/api/meters/{ApiCommand.Escape(name)}/bills", body, cancellationToken).ConfigureAwait(false)).Body;
                        console.WriteLine(Issued(issued));
                        counts["issued"] = counts.GetValueOrDefault("issued") + 1;
                    }
                    catch (CommandException e) when (e.ExitCode == ApiExitCodes.Refused && e.ProblemType is { } type)
                    {
                        var reason = type.StartsWith(ProblemPrefix, StringComparison.Ordinal) ? type[ProblemPrefix.Length..] : type;
                        counts[reason] = counts.GetValueOrDefault(reason) + 1;
                        failed |= reason is "meter-integrity-error" or "month-not-ended";
                        if (reason != "bill-exists" && reason != "no-tariff")
                        {
                            console.WriteLine(Markup.Escape($"{name}: {e.Message}"));
                        }
                    }
                }

                token = JsonFields.NextPageToken(page);
            }
            while (token is not null);

            console.WriteLine(counts.Count == 0 ? "no meter has a consumer: nothing to bill" : string.Join(", ", counts.Select(c => $"{c.Value} {c.Key}")));
            return failed ? ApiExitCodes.Refused : ApiExitCodes.Ok;
        }));
        return command;
    }

    private static Command CreatePrint(ApiConnectionOptions api, TextWriter output, TextWriter error)
    {
        var number = new Argument<string>("number") { Description = "The bill number, e.g. 202603-000042-1" };
        var file = new Option<FileInfo>("--out") { Description = "The HTML file to write (self-contained; open it in a browser and print)", Required = true };
        var command = new Command("print", "Save the printable bill (one self-contained HTML page) to a file") { number, file };
        command.SetAction((result, cancellationToken) => ApiCommand.RunAsync(error, async () =>
        {
            using var client = api.CreateClient(result);
            var html = await client.GetTextAsync("/bills/" + ApiCommand.Escape(result.GetValue(number)!), cancellationToken).ConfigureAwait(false);
            var path = result.GetValue(file)!.FullName;
            await File.WriteAllTextAsync(path, html, System.Text.Encoding.UTF8, cancellationToken).ConfigureAwait(false);
            CliConsole.For(output).WriteLine(string.Create(CultureInfo.InvariantCulture, $"bill {result.GetValue(number)} written to {path} ({html.Length} characters)"));
            return ApiExitCodes.Ok;
        }));
        return command;
    }

    private static string Issued(JsonElement bill) =>
        $"bill {JsonFields.Text(bill, "number")} issued for {JsonFields.Text(bill, "serial")}: {JsonFields.Text(bill, "consumptionKwh")} kWh, "
        + $"{BillText.Money(bill, "total", JsonFields.Text(bill, "currency"))}"
        + (bill.TryGetProperty("estimated", out var estimated) && estimated.ValueKind == JsonValueKind.True ? " (ESTIMATED)" : string.Empty);

    private static void CheckMonth(string? month)
    {
        if (month is not null && (month.Length != 7 || month[4] != '-' || !DateOnly.TryParseExact(month + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _)))
        {
            throw new CommandException($"--month '{month}' is not a month (yyyy-MM, e.g. 2026-03)", ApiExitCodes.Usage);
        }
    }
}
