using Meterline.Server.Problems;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Meterline.Server.Api;

/// <summary>
/// Who makes a request, as recorded in the audit log: the <c>X-Meterline-Actor</c> header, or "api" without it.
/// The header is taken on trust — the API has no authentication yet (issue 9 adds it), so it names, not proves.
/// </summary>
public static class RequestActor
{
    public const string Header = "X-Meterline-Actor";
    public const string Default = "api";
    public const int MaxLength = 128;

    /// <summary>The actor, or the problem that refuses the request (an empty, long or unprintable header).</summary>
    public static bool TryGet(HttpRequest request, out string actor, out ProblemHttpResult? problem)
    {
        ArgumentNullException.ThrowIfNull(request);
        problem = null;
        actor = Default;
        var values = request.Headers[Header];
        if (values.Count == 0)
        {
            return true;
        }

        var value = values.Count == 1 ? values[0]?.Trim() : null;
        if (string.IsNullOrEmpty(value) || value.Length > MaxLength || value.Any(char.IsControl))
        {
            problem = ApiProblems.InvalidActor.Result($"{Header} is one value of 1 to {MaxLength} printable characters.");
            return false;
        }

        actor = value;
        return true;
    }
}
