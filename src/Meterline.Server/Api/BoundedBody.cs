using System.Security.Cryptography;
using Meterline.Server.Problems;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Meterline.Server.Api;

/// <summary>
/// Reads a request body of at most a given size into one pinned buffer that the caller zeroes when done (the body may
/// hold keys: no copy of it is left behind in a growing stream's discarded buffers).
/// </summary>
public static class BoundedBody
{
    private const int InitialCapacity = 16 * 1024;

    /// <summary>The body in <c>buffer[..length]</c>, or the problem that refuses it (too large, or not JSON).</summary>
    public static async Task<(byte[] Buffer, int Length, ProblemHttpResult? Problem)> ReadJsonAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, 1);
        if (request.ContentType is { } type && !type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase)
            && !type.Contains("+json", StringComparison.OrdinalIgnoreCase))
        {
            return ([], 0, ApiProblems.UnsupportedMediaType.Result($"The body is JSON (application/json), not {type}."));
        }

        if (request.ContentLength > maxBytes)
        {
            return ([], 0, TooLarge(maxBytes));
        }

        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = maxBytes + 1L;
        }

        var buffer = GC.AllocateUninitializedArray<byte>((int)Math.Min(request.ContentLength ?? InitialCapacity, maxBytes) + 1, pinned: true);
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (buffer.Length > maxBytes)
                    {
                        CryptographicOperations.ZeroMemory(buffer);
                        return ([], 0, TooLarge(maxBytes));
                    }

                    var larger = GC.AllocateUninitializedArray<byte>((int)Math.Min(buffer.Length * 2L, maxBytes + 1L), pinned: true);
                    buffer.AsSpan(0, length).CopyTo(larger);
                    CryptographicOperations.ZeroMemory(buffer);
                    buffer = larger;
                }

                var read = await request.Body.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                length += read;
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            CryptographicOperations.ZeroMemory(buffer);
            return ([], 0, TooLarge(maxBytes));
        }
        catch
        {
            CryptographicOperations.ZeroMemory(buffer);
            throw;
        }

        if (length > maxBytes)
        {
            CryptographicOperations.ZeroMemory(buffer);
            return ([], 0, TooLarge(maxBytes));
        }

        return (buffer, length, null);
    }

    private static ProblemHttpResult TooLarge(int maxBytes) =>
        ApiProblems.PayloadTooLarge.Result(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"The body is at most {maxBytes} bytes."));
}
