using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Meterline.Cli.Api;

namespace Meterline.Cli.Access;

/// <summary>`meterline tokens` (admin, through the API): create an API token (its text printed once), list, revoke.</summary>
internal static class TokensCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var api = new ApiConnectionOptions();
        var command = new Command("tokens", "API tokens of machine clients (admin): create, list, revoke");
        api.AddTo(command);
        command.Add(CreateCreate(api, output, error));
        command.Add(CreateList(api, output, error));
        command.Add(CreateRevoke(api, output, error));
        return command;
    }

    private static Command CreateCreate(ApiConnectionOptions api, TextWriter output, TextWriter error)
    {
        var name = new Argument<string>("name") { Description = "The token's name (the actor of what it does)" };
        var roles = new Option<string[]>("--role") { Description = "viewer, operator, admin, auditor or consumer (repeatable)", Required = true };
        var consumer = new Option<string?>("--consumer") { Description = "The consumer id a consumer-role token is bound to" };
        var expires = new Option<DateTimeOffset?>("--expires") { Description = "When it stops working (ISO 8601; default: never)" };
        var command = new Command("create", "Create an API token: its text is printed once") { name, roles, consumer, expires };
        command.SetAction((result, cancellationToken) => ApiCommand.RunAsync(error, async () =>
        {
            var body = new JsonObject
            {
                ["name"] = result.GetValue(name), ["roles"] = AccessCliText.Roles(result.GetValue(roles) ?? []), ["consumerId"] = result.GetValue(consumer),
                ["expiresAt"] = result.GetValue(expires)?.ToString("O", CultureInfo.InvariantCulture),
            };
            using var client = api.CreateClient(result);
            var created = await client.PostJsonAsync("/api/tokens", body.ToJsonString(), cancellationToken).ConfigureAwait(false);
            await output.WriteLineAsync($"token {AccessCliText.Text(created.Body, "name")} created: {AccessCliText.RolesOf(created.Body)}, expires {AccessCliText.Time(created.Body, "expiresAt")}").ConfigureAwait(false);
            await output.WriteLineAsync($"token (shown once): {AccessCliText.Text(created.Body, "token")}").ConfigureAwait(false);
            return ApiExitCodes.Ok;
        }));
        return command;
    }

    private static Command CreateList(ApiConnectionOptions api, TextWriter output, TextWriter error)
    {
        var command = new Command("list", "List tokens (never their secrets)");
        command.SetAction((result, cancellationToken) => ApiCommand.RunAsync(error, async () =>
        {
            using var client = api.CreateClient(result);
            var tokens = await client.GetAsync("/api/tokens?limit=1000", cancellationToken).ConfigureAwait(false);
            foreach (var token in tokens.EnumerateArray())
            {
                var state = AccessCliText.Time(token, "revokedAt") is var revoked && revoked != "-" ? "revoked " + revoked : "live, expires " + AccessCliText.Time(token, "expiresAt");
                await output.WriteLineAsync(
                    $"{AccessCliText.Text(token, "name"),-24} mtl_{AccessCliText.Text(token, "prefix")}_…  {AccessCliText.RolesOf(token),-16} owner {AccessCliText.Text(token, "owner"),-16} last used {AccessCliText.Time(token, "lastUsedAt"),-17} {state}")
                    .ConfigureAwait(false);
            }

            await output.WriteLineAsync($"{tokens.GetArrayLength()} token{(tokens.GetArrayLength() == 1 ? string.Empty : "s")}").ConfigureAwait(false);
            return ApiExitCodes.Ok;
        }));
        return command;
    }

    private static Command CreateRevoke(ApiConnectionOptions api, TextWriter output, TextWriter error)
    {
        var name = new Argument<string>("name") { Description = "The token's name" };
        var command = new Command("revoke", "Revoke a token: it stops working at once") { name };
        command.SetAction((result, cancellationToken) => ApiCommand.RunAsync(error, async () =>
        {
            using var client = api.CreateClient(result);
            var revoked = await client.DeleteAsync($"/api/tokens/{ApiCommand.Escape(result.GetValue(name)!)}", cancellationToken).ConfigureAwait(false);
            await output.WriteLineAsync($"token {AccessCliText.Text(revoked.Body, "name")} revoked").ConfigureAwait(false);
            return ApiExitCodes.Ok;
        }));
        return command;
    }
}
