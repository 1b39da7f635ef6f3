using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Meterline.Cli.Api;
using Meterline.Cli.Dlms;
using Meterline.Cli.Meters;
using Spectre.Console;

namespace Meterline.Cli.Audit;

/// <summary>
/// `meterline audit`: the head-end's hash-chained audit log through its API — verify the whole chain (exit 0 when
/// intact, 6 with the first break), and list entries in order.
/// </summary>
internal static class AuditCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var api = new ApiConnectionOptions();
        var command = new Command("audit", "The head-end's audit log (through its API): verify, list");
        api.AddTo(command);
        command.Add(CreateVerify(api, output, error));
        command.Add(CreateList(api, output, error));
        return command;
    }

    private static Command CreateVerify(ApiConnectionOptions api, TextWriter output, TextWriter error)
    {
        var sequence = new Option<long?>("--anchor-sequence") { Description = "An entry recorded elsewhere that the log must still hold: its sequence (with --anchor-hash)" };
        var hash = new Option<string?>("--anchor-hash") { Description = "That entry's hash, 64 hex digits" };
        var command = new Command("verify", "Verify the audit log's hash chain: intact, or the first entry that breaks it") { sequence, hash };
        command.SetAction((result, cancellationToken) => ApiCommand.RunAsync(error, async () =>
        {
            if (result.GetValue(sequence).HasValue != (result.GetValue(hash) is not null))
            {
                throw new CommandException("--anchor-sequence and --anchor-hash go together", ApiExitCodes.Usage);
            }

            var body = new JsonObject();
            if (result.GetValue(sequence) is { } at)
            {
                body["anchor"] = new JsonObject { ["sequence"] = at, ["hash"] = result.GetValue(hash) };
            }

            using var client = api.CreateClient(result, TimeSpan.FromMinutes(30));
            var verification = (await client.PostJsonAsync("/api/audit/verify", body.ToJsonString(), cancellationToken).ConfigureAwait(false)).Body;
            var console = CliConsole.For(output);
            var intact = verification.TryGetProperty("intact", out var flag) && flag.ValueKind == JsonValueKind.True;
            console.WriteLine(intact
                ? $"audit log intact: {JsonFields.Text(verification, "reason")}"
                : $"audit log BROKEN at entry {JsonFields.Text(verification, "brokenSequence")} ({JsonFields.Text(verification, "break")}): {JsonFields.Text(verification, "reason")}; "
                  + $"{JsonFields.Text(verification, "entriesVerified")} entries before it verified");
            return intact ? ApiExitCodes.Ok : ApiExitCodes.AuditBroken;
        }));
        return command;
    }

    private static Command CreateList(ApiConnectionOptions api, TextWriter output, TextWriter error)
    {
        var after = new Option<long>("--after") { Description = "List entries after this sequence number", DefaultValueFactory = _ => 0 };
        var limit = new Option<int>("--limit") { Description = "List at most this many entries (1 to 100000)", DefaultValueFactory = _ => 100 };
        var command = new Command("list", "List audit entries in sequence order: who did what to what") { after, limit };
        command.SetAction((result, cancellationToken) => ApiCommand.RunAsync(error, async () =>
        {
            var max = result.GetValue(limit);
            if (max is < 1 or > 100_000 || result.GetValue(after) < 0)
            {
                throw new CommandException("--limit is 1 to 100000 and --after is 0 or more", ApiExitCodes.Usage);
            }

            using var client = api.CreateClient(result);
            var table = new Table().AddColumns("Seq", "At", "Actor", "Action", "Subject", "Detail");
            long? next = result.GetValue(after);
            var count = 0;
            while (next is { } from && count < max)
            {
                var size = Math.Min(1000, max - count);
                var page = await client.GetAsync(string.Create(CultureInfo.InvariantCulture, $"/api/audit?after={from}&pageSize={size}"), cancellationToken).ConfigureAwait(false);
                foreach (var entry in JsonFields.Items(page))
                {
                    var cells = MetersCommand.Cells(entry, "sequence", "at", "actor", "action", "subject");
                    var detail = JsonFields.Text(entry, "detail");
                    table.AddRow([.. cells, Markup.Escape(detail.Length > 80 ? detail[..77] + "..." : detail)]);
                    count++;
                }

                next = page.TryGetProperty("nextAfter", out var nextAfter) && nextAfter.ValueKind == JsonValueKind.Number ? nextAfter.GetInt64() : null;
            }

            var console = CliConsole.For(output);
            console.Write(table);
            console.WriteLine(next is null ? $"{count} entries" : $"{count} entries shown; more after {next} (--after {next})");
            return ApiExitCodes.Ok;
        }));
        return command;
    }
}
