using System.Security.Cryptography;
using System.Text.Json;
using Meterline.Server.Problems;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Meterline.Server.Api;

/// <summary>Reads a small JSON request body (bounded) into a type, turning malformed JSON into a bad-request problem that says where.</summary>
public static class JsonRequestBody
{
    /// <summary>The body as <typeparamref name="T"/>; null with no problem when the body is empty and <paramref name="optional"/>.</summary>
    public static async Task<(T? Value, ProblemHttpResult? Problem)> ReadAsync<T>(
        HttpRequest request, JsonSerializerOptions options, int maxBytes, bool optional, CancellationToken cancellationToken)
        where T : class
    {
        var (buffer, length, problem) = await BoundedBody.ReadJsonAsync(request, maxBytes, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
        {
            return (null, problem);
        }

        try
        {
            if (buffer.AsSpan(0, length).Trim(" \t\r\n"u8).IsEmpty)
            {
                return optional ? (null, null) : (null, ApiProblems.BadRequest.Result("The request needs a JSON body."));
            }

            var value = JsonSerializer.Deserialize<T>(buffer.AsSpan(0, length), options);
            return value is null ? (null, ApiProblems.BadRequest.Result("The body is a JSON object, not null.")) : (value, null);
        }
        catch (JsonException e)
        {
            var where = e.Path is { Length: > 0 } path ? $" at {path}" : string.Empty;
            return (null, ApiProblems.BadRequest.Result($"The body is not valid JSON of this request{where} (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1})."));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(buffer);
        }
    }
}
