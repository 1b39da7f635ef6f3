using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Meterline.Cli.Api;
using Meterline.Cli.Dlms;
using Spectre.Console;

namespace Meterline.Cli.LoadLimits;

/// <summary>
/// `meterline load-limits`: group load limits through the head-end's API (docs/demand-control.md): list them newest
/// first, set one on a meter, a transformer's or a feeder's meters, cancel one. Setting and cancelling need an
/// operator or admin token and are audited by the head-end with the token's name as actor.
/// </summary>
internal static class LoadLimitsCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var api = new ApiConnectionOptions();
        var command = new Command("load-limits", "Group load limits (demand control): list, set, cancel");
        api.AddTo(command);
        command.Add(CreateList(api, output, error));
        command.Add(CreateSet(api, output, error));
        command.Add(CreateCancel(api, output, error));
        return command;
    }

    private static Command CreateList(ApiConnectionOptions api, TextWriter output, TextWriter error)
    {
        var active = new Option<bool>("--active") { Description = "Only limits not cancelled" };
        var command = new Command("list", "Group load limits, newest first (the first 100)") { active };
        command.SetAction((result, cancellationToken) => ApiCommand.RunAsync(error, async () =>
        {
            using var client = api.CreateClient(result);
            var page = await client.GetAsync("/api/demand/limits?pageSize=100", cancellationToken).ConfigureAwait(false);
            var table = new Table().AddColumns("Id", "Target", "Normal", "Meters", "Requested by", "Requested", "State");
            foreach (var limit in JsonFields.Items(page))
            {
                var cancelled = limit.TryGetProperty("cancelledAt", out var at) && at.ValueKind != JsonValueKind.Null;
                if (cancelled && result.GetValue(active))
                {
                    continue;
                }

                table.AddRow(Cell(limit, "id"), Markup.Escape(Target(limit)), Markup.Escape(Normal(limit)), Cell(limit, "meters"), Cell(limit, "requestedBy"), Cell(limit, "requestedAt"),
                    Markup.Escape(cancelled ? $"cancelled by {JsonFields.Text(limit, "cancelledBy")}" : "active"));
            }

            CliConsole.For(output).Write(table);
            return ApiExitCodes.Ok;
        }));
        return command;
    }

    private static Command CreateSet(ApiConnectionOptions api, TextWriter output, TextWriter error)
    {
        var meter = new Option<string?>("--meter") { Description = "One meter, by serial or id" };
        var transformer = new Option<string?>("--transformer") { Description = "Every meter of this transformer" };
        var feeder = new Option<string?>("--feeder") { Description = "Every meter of this feeder" };
        var normal = new Option<uint?>("--normal") { Description = "threshold_normal (W, or VA with --unit VA); 0 removes the limit (required)" };
        var emergency = new Option<uint>("--emergency") { Description = "threshold_emergency; default 0" };
        var minOver = new Option<uint>("--min-over") { Description = "min_over_threshold_duration, seconds; default 60", DefaultValueFactory = _ => 60 };
        var minUnder = new Option<uint>("--min-under") { Description = "min_under_threshold_duration, seconds; default 30", DefaultValueFactory = _ => 30 };
        var unit = new Option<string?>("--unit") { Description = "W or VA: the meter's monitored value must be in it" };
        var notBefore = new Option<string?>("--not-before") { Description = "Send no command before this time (ISO 8601 with offset)" };
        var command = new Command("set", "Limit a meter, a transformer's or a feeder's meters (202: the head-end fans out one loadLimit command per meter)")
        {
            meter, transformer, feeder, normal, emergency, minOver, minUnder, unit, notBefore,
        };
        command.SetAction((result, cancellationToken) => ApiCommand.RunAsync(error, async () =>
        {
            var body = new JsonObject();
            var targets = 0;
            foreach (var (option, name) in new[] { (meter, "meter"), (transformer, "transformer"), (feeder, "feeder") })
            {
                if (result.GetValue(option) is { } value)
                {
                    body[name] = value;
                    targets++;
                }
            }

            if (targets != 1)
            {
                throw new CommandException("give exactly one of --meter, --transformer or --feeder", ApiExitCodes.Usage);
            }

            if (result.GetValue(normal) is not { } normalThreshold)
            {
                throw new CommandException("--normal is required (0 removes the limit)", ApiExitCodes.Usage);
            }

            var limit = new JsonObject
            {
                ["normal"] = normalThreshold,
                ["emergency"] = result.GetValue(emergency),
                ["minOverSeconds"] = result.GetValue(minOver),
                ["minUnderSeconds"] = result.GetValue(minUnder),
            };
            if (result.GetValue(unit) is { } unitName)
            {
                limit["unit"] = unitName;
            }

            body["limit"] = limit;
            if (result.GetValue(notBefore) is { } text)
            {
                body["notBefore"] = text;
            }

            using var client = api.CreateClient(result);
            var created = await client.PostJsonAsync("/api/demand/limits", body.ToJsonString(), cancellationToken).ConfigureAwait(false);
            var console = CliConsole.For(output);
            console.WriteLine($"limit {JsonFields.Text(created.Body, "id")}: {Target(created.Body)}, {JsonFields.Text(created.Body, "meters")} meters, normal {Normal(created.Body)}, requested");
            console.WriteLine($"follow it with GET /api/demand/limits/{JsonFields.Text(created.Body, "id")}; cancel it with: meterline load-limits cancel {JsonFields.Text(created.Body, "id")}");
            return ApiExitCodes.Ok;
        }));
        return command;
    }

    private static Command CreateCancel(ApiConnectionOptions api, TextWriter output, TextWriter error)
    {
        var id = new Argument<long>("id") { Description = "The limit's id" };
        var reason = new Option<string?>("--reason") { Description = "Why, for the audit log" };
        var command = new Command("cancel", "Cancel a group load limit: meters still waiting get no command, Requested commands are cancelled, Sent ones run to completion") { id, reason };
        command.SetAction((result, cancellationToken) => ApiCommand.RunAsync(error, async () =>
        {
            using var client = api.CreateClient(result);
            var path = "/api/demand/limits/" + result.GetValue(id).ToString(CultureInfo.InvariantCulture)
                + (result.GetValue(reason) is { } why ? "?reason=" + ApiCommand.Escape(why) : string.Empty);
            var cancelled = await client.DeleteAsync(path, cancellationToken).ConfigureAwait(false);
            CliConsole.For(output).WriteLine(
                $"limit {JsonFields.Text(cancelled.Body, "id")}: cancelled by {JsonFields.Text(cancelled.Body, "cancelledBy")}; {JsonFields.Text(cancelled.Body, "withdrawn")} waiting meters withdrawn");
            return ApiExitCodes.Ok;
        }));
        return command;
    }

    private static string Target(JsonElement limit) =>
        JsonFields.Text(limit, "target") + (limit.TryGetProperty("targetId", out var id) && id.ValueKind == JsonValueKind.String ? " " + id.GetString() : string.Empty);

    private static string Normal(JsonElement limit) =>
        limit.TryGetProperty("limit", out var parameters) && parameters.TryGetProperty("normal", out var normal)
            ? JsonFields.Format(normal) + " " + (parameters.TryGetProperty("unit", out var unit) && unit.ValueKind == JsonValueKind.String ? unit.GetString() : "W")
            : "-";

    private static string Cell(JsonElement element, string name) => Markup.Escape(JsonFields.Text(element, name));
}
