using Meterline.Server.Meters;
using Meterline.Server.Problems;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Meterline.Server.Api;

/// <summary>The query parameters the id-paged listings share (commands, alerts): page size, page token and a state filter.</summary>
internal static class ListingQuery
{
    /// <summary>The page size (1 to <see cref="MetersApi.MaxPageSize"/>, <paramref name="defaultSize"/> when absent) and the last id of the page before; a problem when either is not valid.</summary>
    public static ProblemHttpResult? TryReadPage(IdPageToken tokens, int? pageSize, string? pageToken, int defaultSize, out int size, out long? lastId)
    {
        size = pageSize ?? defaultSize;
        lastId = null;
        if (size is < 1 or > MetersApi.MaxPageSize)
        {
            return ApiProblems.InvalidPaging.Result($"pageSize is 1 to {MetersApi.MaxPageSize}.");
        }

        if (pageToken is not null)
        {
            if (!tokens.TryParse(pageToken, out var last))
            {
                return ApiProblems.InvalidPaging.Result("pageToken is not one this server gave.");
            }

            lastId = last;
        }

        return null;
    }

    /// <summary>A state filter by name (any case, never a number); null when absent; a problem naming the states when it is none of them.</summary>
    public static ProblemHttpResult? TryReadState<TState>(string? state, out TState? wanted)
        where TState : struct, Enum
    {
        wanted = null;
        if (state is null)
        {
            return null;
        }

        if (!Enum.TryParse<TState>(state, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed) || state.Any(char.IsDigit))
        {
            return ApiProblems.BadRequest.Result($"state is one of {string.Join(", ", Enum.GetNames<TState>())}.");
        }

        wanted = parsed;
        return null;
    }
}
