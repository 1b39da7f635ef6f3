using System.Net;
using System.Text.Json;

namespace Meterline.Cli.Api;

/// <summary>A successful answer of the API: its status, its JSON body (default when empty) and its Location.</summary>
internal sealed record ApiResponse(HttpStatusCode Status, JsonElement Body, Uri? Location)
{
    /// <summary>The body as text, for an answer that is not JSON (asked for as such); null otherwise.</summary>
    public string? Text { get; init; }
}
