using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Meterline.Cli.Api;

namespace Meterline.Cli.Access;

/// <summary>
/// `meterline users` (admin, through the API): add a user with roles (the password from an environment variable, or
/// a random one printed once), list, disable and enable, set a password.
/// </summary>
internal static class UsersCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var api = new ApiConnectionOptions();
        var command = new Command("users", "Users who sign in to the head-end (admin): add, list, disable, enable, password");
        api.AddTo(command);
        command.Add(CreateAdd(api, output, error));
        command.Add(CreateList(api, output, error));
        command.Add(CreateSetDisabled("disable", true, api, output, error));
        command.Add(CreateSetDisabled("enable", false, api, output, error));
        command.Add(CreatePassword(api, output, error));
        return command;
    }

    private static Command CreateAdd(ApiConnectionOptions api, TextWriter output, TextWriter error)
    {
        var name = new Argument<string>("name") { Description = "The sign-in name" };
        var roles = new Option<string[]>("--role") { Description = "viewer, operator, admin, auditor or consumer (repeatable)", Required = true };
        var consumer = new Option<string?>("--consumer") { Description = "The consumer id a consumer-role user is bound to" };
        var passwordEnv = new Option<string?>("--password-env") { Description = "Name of an environment variable holding the password (default: a random one, printed once)" };
        var command = new Command("add", "Add a user") { name, roles, consumer, passwordEnv };
        command.SetAction((result, cancellationToken) => ApiCommand.RunAsync(error, async () =>
        {
            var (password, made) = AccessCliText.Password(result.GetValue(passwordEnv));
            var body = new JsonObject
            {
                ["name"] = result.GetValue(name), ["password"] = password, ["roles"] = AccessCliText.Roles(result.GetValue(roles) ?? []), ["consumerId"] = result.GetValue(consumer),
            };
            using var client = api.CreateClient(result);
            var added = await client.PostJsonAsync("/api/users", body.ToJsonString(), cancellationToken).ConfigureAwait(false);
            await output.WriteLineAsync($"user {AccessCliText.Text(added.Body, "name")} added: {AccessCliText.RolesOf(added.Body)}").ConfigureAwait(false);
            if (made)
            {
                await output.WriteLineAsync($"password (shown once): {password}").ConfigureAwait(false);
            }

            return ApiExitCodes.Ok;
        }));
        return command;
    }

    private static Command CreateList(ApiConnectionOptions api, TextWriter output, TextWriter error)
    {
        var command = new Command("list", "List users");
        command.SetAction((result, cancellationToken) => ApiCommand.RunAsync(error, async () =>
        {
            using var client = api.CreateClient(result);
            var users = await client.GetAsync("/api/users?limit=1000", cancellationToken).ConfigureAwait(false);
            foreach (var user in users.EnumerateArray())
            {
                var state = user.GetProperty("disabled").GetBoolean() ? "disabled" : AccessCliText.Time(user, "lockedUntil") is var locked && locked != "-" ? "locked until " + locked : "active";
                await output.WriteLineAsync($"{AccessCliText.Text(user, "name"),-24} {AccessCliText.RolesOf(user),-24} {AccessCliText.Text(user, "consumerId"),-12} {state}").ConfigureAwait(false);
            }

            await output.WriteLineAsync($"{users.GetArrayLength()} user{(users.GetArrayLength() == 1 ? string.Empty : "s")}").ConfigureAwait(false);
            return ApiExitCodes.Ok;
        }));
        return command;
    }

    private static Command CreateSetDisabled(string verb, bool disabled, ApiConnectionOptions api, TextWriter output, TextWriter error)
    {
        var name = new Argument<string>("name") { Description = "The user's name" };
        var command = new Command(verb, disabled ? "Disable a user (their sessions end)" : "Enable a disabled user") { name };
        command.SetAction((result, cancellationToken) => ApiCommand.RunAsync(error, async () =>
        {
            using var client = api.CreateClient(result);
            var changed = await client.PostJsonAsync($"/api/users/{ApiCommand.Escape(result.GetValue(name)!)}/{verb}", "{}", cancellationToken).ConfigureAwait(false);
            await output.WriteLineAsync($"user {AccessCliText.Text(changed.Body, "name")} {verb}d").ConfigureAwait(false);
            return ApiExitCodes.Ok;
        }));
        return command;
    }

    private static Command CreatePassword(ApiConnectionOptions api, TextWriter output, TextWriter error)
    {
        var name = new Argument<string>("name") { Description = "The user's name" };
        var passwordEnv = new Option<string?>("--password-env") { Description = "Name of an environment variable holding the new password (default: a random one, printed once)" };
        var command = new Command("password", "Set a user's password (their sessions end)") { name, passwordEnv };
        command.SetAction((result, cancellationToken) => ApiCommand.RunAsync(error, async () =>
        {
            var (password, made) = AccessCliText.Password(result.GetValue(passwordEnv));
            using var client = api.CreateClient(result);
            await client.PutJsonAsync($"/api/users/{ApiCommand.Escape(result.GetValue(name)!)}/password", JsonSerializer.Serialize(new { password }), cancellationToken).ConfigureAwait(false);
            await output.WriteLineAsync($"password of {result.GetValue(name)} set").ConfigureAwait(false);
            if (made)
            {
                await output.WriteLineAsync($"password (shown once): {password}").ConfigureAwait(false);
            }

            return ApiExitCodes.Ok;
        }));
        return command;
    }
}
