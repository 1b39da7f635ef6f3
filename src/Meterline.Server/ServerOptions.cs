using Meterline.Server.Observability;

namespace Meterline.Server;

/// <summary>Where the head-end listens and how much it logs.</summary>
public sealed record ServerOptions
{
    /// <summary>HTTP(S) URLs of the API, e.g. http://127.0.0.1:8080.</summary>
    public IReadOnlyList<string> Urls { get; init; } = ["http://127.0.0.1:8080"];

    public LogLevel MinimumLogLevel { get; init; } = LogLevel.Warning;

    /// <summary>Plain lines, or one JSON object per line with scopes and the message's named values (docs/observability.md).</summary>
    public LogFormat LogFormat { get; init; } = LogFormat.Text;

    /// <summary>HTTPS URLs of the API (docs/access.md), served with <see cref="TlsCertificateFile"/>; empty: none.</summary>
    public IReadOnlyList<string> HttpsUrls { get; init; } = [];

    /// <summary>The server certificate (PEM) for <see cref="HttpsUrls"/>.</summary>
    public string? TlsCertificateFile { get; init; }

    /// <summary>The certificate's private key (PEM).</summary>
    public string? TlsKeyFile { get; init; }

    /// <summary>Sign-in limits, sessions and the keys of session cookies (docs/access.md).</summary>
    public Meterline.Server.Access.AccessServerOptions Access { get; init; } = new();

    /// <summary>The consumer portal's settings: whether consumers may record their own top-ups (off by default), list lengths.</summary>
    public Meterline.Web.Portal.PortalOptions Portal { get; init; } = new();
}
