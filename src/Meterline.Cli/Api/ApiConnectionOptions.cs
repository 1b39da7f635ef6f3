using System.CommandLine;
using Meterline.Cli.Dlms;

namespace Meterline.Cli.Api;

/// <summary>
/// Where the head-end's API is (<c>--server</c>, else the MTL_SERVER environment variable, else
/// http://127.0.0.1:8080), the API token it is called with (<c>--token</c>, else the METERLINE_TOKEN environment
/// variable, else the bootstrap token file <c>--token-file</c> when it can be read; the token's name is the actor the
/// audit log records), the roots its HTTPS certificate must chain to (<c>--ca</c>, else METERLINE_CA, else the
/// system's), and <c>--actor</c>, the actor of the commands that work on the database directly.
/// </summary>
internal sealed class ApiConnectionOptions
{
    public const string ServerVariable = "MTL_SERVER";
    public const string DefaultServer = "http://127.0.0.1:8080";
    public const string TokenVariable = "METERLINE_TOKEN";
    public const string DefaultTokenFile = "meterline.admin-token";
    public const string CaVariable = "METERLINE_CA";

    public Option<string> Server { get; } = new("--server")
    {
        Description = $"The head-end's API, e.g. http://127.0.0.1:8080 (default: ${ServerVariable}, else {DefaultServer})",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable(ServerVariable) is { Length: > 0 } server ? server : DefaultServer,
        Recursive = true,
    };

    public Option<string?> Token { get; } = new("--token")
    {
        Description = $"The API token (mtl_…) to call the head-end with (default: ${TokenVariable}, else the --token-file)",
        Recursive = true,
    };

    public Option<string> TokenFile { get; } = new("--token-file")
    {
        Description = $"A file holding the API token, such as the bootstrap admin token `meterline serve` writes next to its database (default: {DefaultTokenFile})",
        DefaultValueFactory = _ => DefaultTokenFile,
        Recursive = true,
    };

    public Option<string?> Ca { get; } = new("--ca")
    {
        Description = $"A PEM file of the root certificate(s) the head-end's HTTPS certificate must chain to — only those are trusted, the host name still checked — e.g. the demo's tls-cert.pem (default: ${CaVariable}, else the system's roots)",
        Recursive = true,
    };

    public Option<string> Actor { get; } = new("--actor")
    {
        Description = "Who acts, as recorded in the audit log, for commands on the database itself (export, mqtt); through the API the token's name is the actor (default: cli:<user>)",
        DefaultValueFactory = _ => "cli:" + Environment.UserName,
        Recursive = true,
    };

    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Add(Server);
        command.Add(Token);
        command.Add(TokenFile);
        command.Add(Ca);
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

        var ca = result.GetValue(Ca) is { Length: > 0 } given ? given : Environment.GetEnvironmentVariable(CaVariable) is { Length: > 0 } variable ? variable : null;
        return new HeadEndClient(server, ResolveToken(result), timeout ?? TimeSpan.FromSeconds(30), ca is null ? null : TrustedRoots.Load(ca));
    }

    /// <summary>--token, else $METERLINE_TOKEN, else the first line of --token-file if it exists and can be read; else none.</summary>
    public string? ResolveToken(ParseResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.GetValue(Token) is { Length: > 0 } given)
        {
            return given.Trim();
        }

        if (Environment.GetEnvironmentVariable(TokenVariable) is { Length: > 0 } variable)
        {
            return variable.Trim();
        }

        var file = result.GetValue(TokenFile)!;
        try
        {
            return File.Exists(file) ? File.ReadLines(file).FirstOrDefault()?.Trim() is { Length: > 0 } line ? line : null : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
