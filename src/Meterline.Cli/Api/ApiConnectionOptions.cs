using System.CommandLine;
using Meterline.Cli.Dlms;

namespace Meterline.Cli.Api;

/// <summary>
/// Where the head-end's API is (<c>--server</c>, else the MTL_SERVER environment variable, else
/// http://127.0.0.1:8080) and who is acting (<c>--actor</c>, recorded in the audit log; the API takes it on trust
/// until it has authentication).
/// </summary>
internal sealed class ApiConnectionOptions
{
    public const string ServerVariable = "MTL_SERVER";
    public const string DefaultServer = "http://127.0.0.1:8080";

    public Option<string> Server { get; } = new("--server")
    {
        Description = $"The head-end's API, e.g. http://127.0.0.1:8080 (default: ${ServerVariable}, else {DefaultServer})",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable(ServerVariable) is { Length: > 0 } server ? server : DefaultServer,
        Recursive = true,
    };

    public Option<string> Actor { get; } = new("--actor")
    {
        Description = "Who acts, as recorded in the head-end's audit log (default: cli:<user>)",
        DefaultValueFactory = _ => "cli:" + Environment.UserName,
        Recursive = true,
    };

    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Add(Server);
        command.Add(Actor);
    }

    /// <summary>A client of the API the options name; a malformed --server is a usage error.</summary>
    public HeadEndClient CreateClient(ParseResult result, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(result);
        var text = result.GetValue(Server)!;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var server) || server.Scheme is not ("http" or "https") || !string.IsNullOrEmpty(server.Query))
        {
            throw new CommandException($"--server '{text}' is not an http(s) URL such as {DefaultServer}", ApiExitCodes.Usage);
        }

        var actor = result.GetValue(Actor)!;
        if (string.IsNullOrWhiteSpace(actor) || actor.Length > 128 || actor.Any(char.IsControl))
        {
            throw new CommandException("--actor is 1 to 128 printable characters", ApiExitCodes.Usage);
        }

        return new HeadEndClient(server, actor, timeout ?? TimeSpan.FromSeconds(30));
    }
}
