using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Meterline.Cli.Dlms;

namespace Meterline.Cli.Api;

/// <summary>
/// The head-end's REST API as the CLI uses it: JSON in and out, the API token on every request (its name is the
/// actor in the audit log), and every failure turned
/// into a <see cref="CommandException"/> that says what happened in one line — the server unreachable or silent,
/// a ProblemDetails refusal (its title, detail and type), or another HTTP error.
/// </summary>
internal sealed class HeadEndClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly TimeSpan _timeout;

    public HeadEndClient(Uri server, string? token, TimeSpan timeout, X509Certificate2Collection? trustedRoots = null)
    {
        ArgumentNullException.ThrowIfNull(server);
        Server = server;
        _timeout = timeout;
        _http = trustedRoots is null
            ? new HttpClient { BaseAddress = server, Timeout = Timeout.InfiniteTimeSpan }
            : new HttpClient(TrustedRoots.Handler(trustedRoots), disposeHandler: true) { BaseAddress = server, Timeout = Timeout.InfiniteTimeSpan };
        if (token is not null)
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        _http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
    }

    public Uri Server { get; }

    public async Task<JsonElement> GetAsync(string path, CancellationToken cancellationToken) =>
        (await SendAsync(HttpMethod.Get, path, null, null, cancellationToken).ConfigureAwait(false)).Body;

    public async Task<ApiResponse> PostJsonAsync(string path, string json, CancellationToken cancellationToken, IReadOnlyDictionary<string, string>? headers = null)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        return await SendAsync(HttpMethod.Post, path, content, headers, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends bytes as a JSON body (a provisioning file: the caller zeroes the buffer afterwards).</summary>
    public async Task<ApiResponse> PostJsonAsync(string path, ReadOnlyMemory<byte> json, CancellationToken cancellationToken)
    {
        using var content = new ReadOnlyMemoryContent(json);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return await SendAsync(HttpMethod.Post, path, content, null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A page that is not JSON (the printable bill): its text; refusals are still read as ProblemDetails.</summary>
    public async Task<string> GetTextAsync(string path, CancellationToken cancellationToken) =>
        (await SendAsync(HttpMethod.Get, path, null, null, cancellationToken, raw: true).ConfigureAwait(false)).Text ?? string.Empty;
    public async Task<ApiResponse> PutJsonAsync(string path, string json, CancellationToken cancellationToken)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        return await SendAsync(HttpMethod.Put, path, content, null, cancellationToken).ConfigureAwait(false);
    }

    public Task<ApiResponse> DeleteAsync(string path, CancellationToken cancellationToken) => SendAsync(HttpMethod.Delete, path, null, null, cancellationToken);

    public void Dispose() => _http.Dispose();

    private async Task<ApiResponse> SendAsync(HttpMethod method, string path, HttpContent? content, IReadOnlyDictionary<string, string>? headers, CancellationToken cancellationToken, bool raw = false)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative)) { Content = content };
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.Add(name, value);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        try
        {
            using var response = await _http.SendAsync(request, timeout.Token).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw Failure(response, body);
            }

            return raw ? new ApiResponse(response.StatusCode, default, response.Headers.Location) { Text = body } : new ApiResponse(response.StatusCode, Parse(body, response), response.Headers.Location);
        }
        catch (HttpRequestException e)
        {
            if (e.InnerException is AuthenticationException tls)
            {
                throw new CommandException(
                    $"the head-end at {Server} was refused: its TLS certificate is not trusted ({tls.Message}); a self-signed or private root is trusted with --ca FILE or ${ApiConnectionOptions.CaVariable}",
                    ApiExitCodes.Failed);
            }

            var why = e.InnerException is SocketException socket ? Describe(socket.SocketErrorCode) : e.Message;
            throw new CommandException(
                $"cannot reach the head-end at {Server}: {why} (is `meterline serve` running there? --server or ${ApiConnectionOptions.ServerVariable} names it)",
                ApiExitCodes.Failed);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new CommandException(string.Create(CultureInfo.InvariantCulture, $"the head-end at {Server} did not answer within {_timeout.TotalSeconds:0} s"), ApiExitCodes.Failed);
        }
    }

    private JsonElement Parse(string body, HttpResponseMessage response)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return default;
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            throw new CommandException($"the head-end at {Server} answered {(int)response.StatusCode} with something that is not JSON: is it a Meterline head-end?", ApiExitCodes.Failed);
        }
    }

    private static CommandException Failure(HttpResponseMessage response, string body)
    {
        var status = (int)response.StatusCode;
        var code = status is >= 400 and < 500 ? ApiExitCodes.Refused : ApiExitCodes.Failed;
        if (response.Content.Headers.ContentType?.MediaType == "application/problem+json")
        {
            try
            {
                using var problem = JsonDocument.Parse(body);
                var root = problem.RootElement;
                var title = Text(root, "title") ?? response.ReasonPhrase ?? "error";
                var detail = Text(root, "detail");
                var type = Text(root, "type");
                if (status == 401)
                {
                    detail += $" — give an API token with --token, ${ApiConnectionOptions.TokenVariable} or --token-file (docs/access.md)";
                }

                return new CommandException(
                    string.Create(CultureInfo.InvariantCulture, $"{title}{(detail is null ? string.Empty : ": " + detail)} (HTTP {status}{(type is null ? string.Empty : ", " + type)})"),
                    code)
                {
                    ProblemType = type,
                };
            }
            catch (JsonException)
            {
            }
        }

        return new CommandException(string.Create(CultureInfo.InvariantCulture, $"the head-end answered HTTP {status} {response.ReasonPhrase}"), code);
    }

    private static string? Text(JsonElement root, string name) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string Describe(SocketError error) => error switch
    {
        SocketError.ConnectionRefused => "connection refused",
        SocketError.HostNotFound or SocketError.NoData => "no such host",
        SocketError.TimedOut => "the connection timed out",
        SocketError.NetworkUnreachable or SocketError.HostUnreachable => "the network or host is unreachable",
        _ => error.ToString(),
    };
}
