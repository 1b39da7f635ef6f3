using Microsoft.AspNetCore.Http.HttpResults;

namespace Meterline.Server.Problems;

/// <summary>
/// One cause of an API error: a stable ProblemDetails <c>type</c> (<c>urn:meterline:problem:{name}</c>), the HTTP
/// status and a title that never changes; the <c>detail</c> says what was wrong with this request (never a secret).
/// </summary>
public sealed record ApiProblem(string Name, int Status, string Title)
{
    public const string TypePrefix = "urn:meterline:problem:";

    public string Type => TypePrefix + Name;

    public ProblemHttpResult Result(string detail) => TypedResults.Problem(detail: detail, statusCode: Status, title: Title, type: Type);
}
