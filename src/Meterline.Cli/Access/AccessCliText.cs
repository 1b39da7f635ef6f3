using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Meterline.Cli.Api;
using Meterline.Cli.Dlms;

namespace Meterline.Cli.Access;

/// <summary>What `meterline users` and `meterline tokens` share: roles from options, a password from the environment or made up, and lines of output.</summary>
internal static class AccessCliText
{
    public static JsonArray Roles(string[] roles) =>
        roles.Length > 0 ? new JsonArray([.. roles.Select(r => (JsonNode)r)]) : throw new CommandException("at least one --role: viewer, operator, admin, auditor or consumer", ApiExitCodes.Usage);

    /// <summary>The password in the named environment variable, or a new random one (24 characters from 18 random bytes) with made = true.</summary>
    public static (string Password, bool Made) Password(string? variable)
    {
        if (variable is null)
        {
            return (Convert.ToBase64String(RandomNumberGenerator.GetBytes(18)).Replace('+', '-').Replace('/', '_'), true);
        }

        return Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value
            ? (value, false)
            : throw new CommandException($"--password-env {variable}: the environment variable is not set", ApiExitCodes.Usage);
    }

    public static string Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "-";

    public static string RolesOf(JsonElement element) =>
        element.TryGetProperty("roles", out var roles) && roles.ValueKind == JsonValueKind.Array ? string.Join(',', roles.EnumerateArray().Select(r => r.GetString())) : "-";

    public static string Time(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.TryGetDateTimeOffset(out var time)
            ? time.ToString("yyyy-MM-dd HH:mm'Z'", CultureInfo.InvariantCulture) : "-";
}
