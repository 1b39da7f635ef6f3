using System.Net;
using System.Text;
using System.Text.Json;

namespace Meterline.Server.Tests;

/// <summary>Requests the tests make of the API, and what they read from its answers.</summary>
internal static class Api
{
    public static async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string uri, string? json = null, string? actor = null, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(uri, UriKind.Relative));
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        if (actor is not null)
        {
            request.Headers.Authorization = await ActorTokens.ForAsync(client, actor) ?? throw new InvalidOperationException("The client is not a test host's: it cannot act as " + actor);
        }

        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        return await client.SendAsync(request);
    }

    public static Task<HttpResponseMessage> PostAsync(HttpClient client, string uri, string json, string? actor = null, string? idempotencyKey = null) =>
        SendAsync(client, HttpMethod.Post, uri, json, actor, idempotencyKey);

    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response)
    {
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.Clone();
    }

    /// <summary>Asserts a ProblemDetails answer of the status and stable type, and returns its detail.</summary>
    public static async Task<string> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string type)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"{(int)response.StatusCode} {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(body);
        Assert.Equal("urn:meterline:problem:" + type, document.RootElement.GetProperty("type").GetString());
        Assert.Equal((int)status, document.RootElement.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(document.RootElement.GetProperty("title").GetString()));
        return document.RootElement.TryGetProperty("detail", out var detail) ? detail.GetString() ?? string.Empty : string.Empty;
    }

    /// <summary>Polls a command until it reaches a final state.</summary>
    public static async Task<JsonElement> WaitFinalAsync(HttpClient client, string location)
    {
        using var bound = new CancellationTokenSource(RunningNode.Bound);
        while (true)
        {
            var command = await client.GetFromJsonElementAsync(location, bound.Token);
            if (command.GetProperty("state").GetString() is "Confirmed" or "Failed" or "TimedOut" or "Cancelled")
            {
                return command;
            }

            await Task.Delay(100, bound.Token);
        }
    }

    public static async Task<JsonElement> GetFromJsonElementAsync(this HttpClient client, string uri, CancellationToken cancellationToken = default)
    {
        using var response = await client.GetAsync(new Uri(uri, UriKind.Relative), cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"GET {uri}: {(int)response.StatusCode} {body}");
        using var document = JsonDocument.Parse(body);
        return document.RootElement.Clone();
    }
}
