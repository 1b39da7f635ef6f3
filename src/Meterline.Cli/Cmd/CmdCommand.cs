using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Meterline.Cli.Api;
using Meterline.Cli.Dlms;
using Spectre.Console;

namespace Meterline.Cli.Cmd;

/// <summary>
/// `meterline cmd`: ask the head-end to read, connect or disconnect a meter, and with <c>--wait</c> follow the
/// command until the meter confirmed it (or it failed or timed out); the exit code says how it ended. Also show a
/// command, and cancel one that has not been sent.
/// </summary>
internal static class CmdCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var api = new ApiConnectionOptions();
        var command = new Command("cmd", "Commands to meters through the head-end's API: read, connect, disconnect, show, cancel");
        api.AddTo(command);
        command.Add(CreateSend("read", "Read registers now (--quantity) and/or a load profile range (--from/--to)", api, output, error, read: true));
        command.Add(CreateSend("connect", "Reconnect the meter's relay (remote_reconnect), then read it back", api, output, error, read: false));
        command.Add(CreateSend("disconnect", "Disconnect the meter's relay (remote_disconnect), then read it back", api, output, error, read: false));
        command.Add(CreateShow(api, output, error));
        command.Add(CreateCancel(api, output, error));
        return command;
    }

    private static Command CreateSend(string kind, string description, ApiConnectionOptions api, TextWriter output, TextWriter error, bool read)
    {
        var meter = new Argument<string>("meter") { Description = "The meter's serial number (or its id in the registry)" };
        var wait = new Option<bool>("--wait") { Description = "Follow the command until it is Confirmed, Failed or TimedOut" };
        var timeout = new Option<double>("--timeout") { Description = "With --wait: give up following after this many seconds (1 to 86400)", DefaultValueFactory = _ => 120 };
        var notBefore = new Option<DateTimeOffset?>("--not-before") { Description = "Do not send it before this time (ISO 8601)" };
        var idempotencyKey = new Option<string?>("--idempotency-key") { Description = "Asking again with the same key returns the first command instead of a new one" };
        var command = new Command(kind, description) { meter, wait, timeout, notBefore, idempotencyKey };
        var quantities = new Option<string[]>("--quantity") { Description = "OBIS code of a register to read, e.g. 1.0.1.8.0.255 (repeatable)" };
        var from = new Option<DateTimeOffset?>("--from") { Description = "Load profile: first capture time (ISO 8601), with --to" };
        var to = new Option<DateTimeOffset?>("--to") { Description = "Load profile: last capture time (ISO 8601), with --from" };
        if (read)
        {
            command.Add(quantities);
            command.Add(from);
            command.Add(to);
        }

        command.SetAction((result, cancellationToken) => ApiCommand.RunAsync(error, async () =>
        {
            var follow = TimeSpan.FromSeconds(result.GetValue(timeout) is var seconds and >= 1 and <= 86_400
                ? seconds
                : throw new CommandException("--timeout is 1 to 86400 seconds", ApiExitCodes.Usage));
            var body = new JsonObject { ["meter"] = result.GetValue(meter), ["kind"] = kind };
            if (result.GetValue(notBefore) is { } at)
            {
                body["notBefore"] = at.ToString("O", CultureInfo.InvariantCulture);
            }

            if (read)
            {
                body["parameters"] = ReadParameters(result.GetValue(quantities) ?? [], result.GetValue(from), result.GetValue(to));
            }

            var headers = result.GetValue(idempotencyKey) is { } key ? new Dictionary<string, string> { ["Idempotency-Key"] = key } : null;
            using var client = api.CreateClient(result);
            var created = await client.PostJsonAsync("/api/commands", body.ToJsonString(), cancellationToken, headers).ConfigureAwait(false);
            var console = CliConsole.For(output);
            if (!result.GetValue(wait))
            {
                console.WriteLine(CommandText.StatusLine(created.Body));
                console.WriteLine($"follow it with: meterline cmd show {JsonFields.Text(created.Body, "id")} --wait");
                return ApiExitCodes.Ok;
            }

            var (final, ended) = await CommandFollower.FollowAsync(client, JsonFields.Int64(created.Body, "id"), created.Body, follow, output, cancellationToken).ConfigureAwait(false);
            return Finish(console, final, ended, follow);
        }));
        return command;
    }

    private static Command CreateShow(ApiConnectionOptions api, TextWriter output, TextWriter error)
    {
        var id = new Argument<long>("id") { Description = "The command's id" };
        var wait = new Option<bool>("--wait") { Description = "Follow the command until it is Confirmed, Failed or TimedOut" };
        var timeout = new Option<double>("--timeout") { Description = "With --wait: give up following after this many seconds (1 to 86400)", DefaultValueFactory = _ => 120 };
        var command = new Command("show", "Show a command: its state, times and result") { id, wait, timeout };
        command.SetAction((result, cancellationToken) => ApiCommand.RunAsync(error, async () =>
        {
            var follow = TimeSpan.FromSeconds(result.GetValue(timeout) is var seconds and >= 1 and <= 86_400
                ? seconds
                : throw new CommandException("--timeout is 1 to 86400 seconds", ApiExitCodes.Usage));
            using var client = api.CreateClient(result);
            var current = await client.GetAsync("/api/commands/" + result.GetValue(id).ToString(CultureInfo.InvariantCulture), cancellationToken).ConfigureAwait(false);
            var console = CliConsole.For(output);
            if (!result.GetValue(wait))
            {
                CommandText.Print(console, current);
                return CommandText.ExitCode(current);
            }

            var (final, ended) = await CommandFollower.FollowAsync(client, result.GetValue(id), current, follow, output, cancellationToken).ConfigureAwait(false);
            return Finish(console, final, ended, follow);
        }));
        return command;
    }

    private static Command CreateCancel(ApiConnectionOptions api, TextWriter output, TextWriter error)
    {
        var id = new Argument<long>("id") { Description = "The command's id" };
        var command = new Command("cancel", "Cancel a command that has not been sent yet (state Requested)") { id };
        command.SetAction((result, cancellationToken) => ApiCommand.RunAsync(error, async () =>
        {
            using var client = api.CreateClient(result);
            var cancelled = await client.DeleteAsync("/api/commands/" + result.GetValue(id).ToString(CultureInfo.InvariantCulture), cancellationToken).ConfigureAwait(false);
            CliConsole.For(output).WriteLine(CommandText.StatusLine(cancelled.Body));
            return ApiExitCodes.Ok;
        }));
        return command;
    }

    private static JsonObject ReadParameters(string[] quantities, DateTimeOffset? from, DateTimeOffset? to)
    {
        if (from.HasValue != to.HasValue)
        {
            throw new CommandException("--from and --to go together", ApiExitCodes.Usage);
        }

        if (quantities.Length == 0 && from is null)
        {
            throw new CommandException("a read needs --quantity OBIS (repeatable), a load profile range --from/--to, or both", ApiExitCodes.Usage);
        }

        var parameters = new JsonObject { ["quantities"] = new JsonArray([.. quantities.Select(q => (JsonNode)q)]) };
        if (from is { } start && to is { } end)
        {
            parameters["profile"] = new JsonObject { ["from"] = start.ToString("O", CultureInfo.InvariantCulture), ["to"] = end.ToString("O", CultureInfo.InvariantCulture) };
        }

        return parameters;
    }

    private static int Finish(IAnsiConsole console, System.Text.Json.JsonElement command, bool ended, TimeSpan waited)
    {
        CommandText.Print(console, command);
        if (ended)
        {
            return CommandText.ExitCode(command);
        }

        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"still {JsonFields.Text(command, "state")} after {waited.TotalSeconds:0} s; it goes on at the head-end: meterline cmd show {JsonFields.Text(command, "id")} --wait"));
        return ApiExitCodes.TimedOut;
    }
}
