using Meterline.Server.Problems;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Meterline.Server.Api;

/// <summary>
/// Who makes a request, as recorded in the audit log: the authenticated principal's name — the signed-in user's,
/// or the API token's (docs/access.md). The old <c>X-Meterline-Actor</c> header is not trusted and is ignored.
/// </summary>
public static class RequestActor
{
    /// <summary>The actor of a request no one is authenticated for (only anonymous endpoints see it).</summary>
    public const string Anonymous = "anonymous";

    /// <summary>The actor; always true (the problem is kept for callers written when a header named the actor).</summary>
    public static bool TryGet(HttpRequest request, out string actor, out ProblemHttpResult? problem)
    {
        ArgumentNullException.ThrowIfNull(request);
        problem = null;
        actor = request.HttpContext.User.Identity is { IsAuthenticated: true, Name: { Length: > 0 } name } ? name : Anonymous;
        return true;
    }
}
