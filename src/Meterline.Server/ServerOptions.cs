namespace Meterline.Server;

/// <summary>Where the head-end listens and how much it logs.</summary>
public sealed record ServerOptions
{
    /// <summary>HTTP(S) URLs of the API, e.g. http://127.0.0.1:8080.</summary>
    public IReadOnlyList<string> Urls { get; init; } = ["http://127.0.0.1:8080"];

    public LogLevel MinimumLogLevel { get; init; } = LogLevel.Warning;
}
