using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Meterline.Cli.Api;
using Meterline.Cli.Dlms;
using Spectre.Console;

namespace Meterline.Cli.Approvals;

/// <summary>
/// `meterline approvals`: bulk connects and disconnects through the head-end's API, and the second operator's
/// approval of a bulk disconnect above the node's threshold (docs/commands.md): request, list, show, approve, reject.
/// </summary>
internal static class ApprovalsCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var api = new ApiConnectionOptions();
        var command = new Command("approvals", "Bulk connect/disconnect, and approving or rejecting another operator's bulk disconnect");
        api.AddTo(command);
        command.Add(CreateRequest(api, output, error));
        command.Add(CreateList(api, output, error));
        command.Add(CreateShow(api, output, error));
        command.Add(CreateDecide("approve", "Approve another operator's pending bulk request: its commands are sent", api, output, error));
        command.Add(CreateDecide("reject", "Reject another operator's pending bulk request: nothing is sent", api, output, error));
        return command;
    }

    private static Command CreateRequest(ApiConnectionOptions api, TextWriter output, TextWriter error)
    {
        var kind = new Argument<string>("kind") { Description = "connect or disconnect" };
        var meters = new Argument<string[]>("meters") { Description = "The meters' serial numbers (or ids)", Arity = ArgumentArity.OneOrMore };
        var note = new Option<string?>("--note") { Description = "Why, shown to the approver" };
        var command = new Command("request", "Connect or disconnect many meters; a disconnect above the node's threshold waits for a second operator") { kind, meters, note };
        command.SetAction((result, cancellationToken) => ApiCommand.RunAsync(error, async () =>
        {
            var asked = result.GetValue(kind);
            if (asked is not ("connect" or "disconnect"))
            {
                throw new CommandException("kind is connect or disconnect", ApiExitCodes.Usage);
            }

            var body = new JsonObject
            {
                ["kind"] = asked,
                ["meters"] = new JsonArray([.. (result.GetValue(meters) ?? []).Select(m => int.TryParse(m, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? (JsonNode)id : m)]),
            };
            if (result.GetValue(note) is { } text)
            {
                body["note"] = text;
            }

            using var client = api.CreateClient(result);
            var created = await client.PostJsonAsync("/api/commands/bulk", body.ToJsonString(), cancellationToken).ConfigureAwait(false);
            var console = CliConsole.For(output);
            if (created.Body.GetProperty("waitsForApproval").GetBoolean())
            {
                var approval = created.Body.GetProperty("approval");
                console.WriteLine($"request {JsonFields.Text(approval, "id")}: {asked} of {JsonFields.Text(approval, "meterCount")} meters is waiting for a second operator's approval (until {JsonFields.Text(approval, "expiresAt")})");
                console.WriteLine($"another operator approves it with: meterline approvals approve {JsonFields.Text(approval, "id")}");
                return ApiExitCodes.Ok;
            }

            var commands = JsonFields.Items(created.Body, "commands").ToList();
            var refused = JsonFields.Items(created.Body, "refused").ToList();
            console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{commands.Count} {asked} commands requested, {refused.Count} refused"));
            foreach (var meter in refused)
            {
                console.WriteLine($"  refused {JsonFields.Text(meter, "serial")}: {JsonFields.Text(meter, "detail")}");
            }

            return refused.Count == 0 ? ApiExitCodes.Ok : ApiExitCodes.Failed;
        }));
        return command;
    }

    private static Command CreateList(ApiConnectionOptions api, TextWriter output, TextWriter error)
    {
        var state = new Option<string?>("--state") { Description = "Only requests in this state: Pending, Approved, Completed, Rejected, Expired" };
        var command = new Command("list", "Bulk requests, newest first (the first 100)") { state };
        command.SetAction((result, cancellationToken) => ApiCommand.RunAsync(error, async () =>
        {
            using var client = api.CreateClient(result);
            var query = "/api/approvals?pageSize=100" + (result.GetValue(state) is { } wanted ? "&state=" + ApiCommand.Escape(wanted) : string.Empty);
            var page = await client.GetAsync(query, cancellationToken).ConfigureAwait(false);
            var table = new Table().AddColumns("Id", "Kind", "Meters", "Requested by", "Requested", "Expires", "State", "Decided by");
            foreach (var approval in JsonFields.Items(page))
            {
                table.AddRow(Cell(approval, "id"), Cell(approval, "kind"), Cell(approval, "meterCount"), Cell(approval, "requestedBy"), Cell(approval, "requestedAt"),
                    Cell(approval, "expiresAt"), Cell(approval, "state"), Cell(approval, "decidedBy"));
            }

            CliConsole.For(output).Write(table);
            return ApiExitCodes.Ok;
        }));
        return command;
    }

    private static Command CreateShow(ApiConnectionOptions api, TextWriter output, TextWriter error)
    {
        var id = new Argument<long>("id") { Description = "The request's id" };
        var command = new Command("show", "Show a bulk request and its decision") { id };
        command.SetAction((result, cancellationToken) => ApiCommand.RunAsync(error, async () =>
        {
            using var client = api.CreateClient(result);
            Print(CliConsole.For(output), await client.GetAsync("/api/approvals/" + result.GetValue(id).ToString(CultureInfo.InvariantCulture), cancellationToken).ConfigureAwait(false));
            return ApiExitCodes.Ok;
        }));
        return command;
    }

    private static Command CreateDecide(string verb, string description, ApiConnectionOptions api, TextWriter output, TextWriter error)
    {
        var id = new Argument<long>("id") { Description = "The request's id" };
        var note = new Option<string?>("--note") { Description = verb == "reject" ? "Why it is rejected" : "A note for the record" };
        var command = new Command(verb, description) { id, note };
        command.SetAction((result, cancellationToken) => ApiCommand.RunAsync(error, async () =>
        {
            using var client = api.CreateClient(result);
            var body = result.GetValue(note) is { } text ? new JsonObject { ["note"] = text }.ToJsonString() : "{}";
            var decided = await client.PostJsonAsync($"/api/approvals/{result.GetValue(id).ToString(CultureInfo.InvariantCulture)}/{verb}", body, cancellationToken).ConfigureAwait(false);
            Print(CliConsole.For(output), decided.Body);
            return ApiExitCodes.Ok;
        }));
        return command;
    }

    private static void Print(IAnsiConsole console, JsonElement approval)
    {
        console.WriteLine($"request {JsonFields.Text(approval, "id")}: {JsonFields.Text(approval, "kind")} of {JsonFields.Text(approval, "meterCount")} meters, {JsonFields.Text(approval, "state")}");
        console.WriteLine($"  requested by {JsonFields.Text(approval, "requestedBy")} at {JsonFields.Text(approval, "requestedAt")}, expires {JsonFields.Text(approval, "expiresAt")}");
        if (JsonFields.Text(approval, "decidedBy") is var by and not "-")
        {
            console.WriteLine($"  decided by {by} at {JsonFields.Text(approval, "decidedAt")}; {JsonFields.Text(approval, "created")} commands created, {JsonFields.Text(approval, "refused")} refused");
        }
    }

    private static string Cell(JsonElement element, string name) => Markup.Escape(JsonFields.Text(element, name));
}
