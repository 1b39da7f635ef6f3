using Meterline.HeadEnd.Access;
using Meterline.Server.Problems;

namespace Meterline.Server.Access;

/// <summary>The problems of authentication, authorization and the access API (docs/api.md, docs/access.md).</summary>
public static class AccessProblems
{
    /// <summary>No credentials, or a token that is malformed, unknown, revoked or expired, or a session that ended.</summary>
    public static readonly ApiProblem Unauthenticated = new("unauthenticated", StatusCodes.Status401Unauthorized, "Authentication required");

    /// <summary>Authenticated, but no role of the principal allows this endpoint and method.</summary>
    public static readonly ApiProblem Forbidden = new("forbidden", StatusCodes.Status403Forbidden, "Forbidden");

    /// <summary>A cookie-authenticated unsafe request without the session's anti-forgery token in X-Meterline-Csrf.</summary>
    public static readonly ApiProblem Antiforgery = new("antiforgery", StatusCodes.Status403Forbidden, "Anti-forgery token missing or wrong");

    /// <summary>HTTPS is configured and the request came over plain HTTP from another machine.</summary>
    public static readonly ApiProblem HttpsRequired = new("https-required", StatusCodes.Status403Forbidden, "HTTPS required");

    /// <summary>Too many sign-in attempts from the address or for the name; Retry-After says when to try again.</summary>
    public static readonly ApiProblem RateLimited = new("rate-limited", StatusCodes.Status429TooManyRequests, "Too many attempts");

    /// <summary>Wrong name or password, or the user is locked out or disabled (not told apart).</summary>
    public static readonly ApiProblem SignInFailed = new("sign-in-failed", StatusCodes.Status401Unauthorized, "Sign-in failed");

    /// <summary>A user or token field is missing or malformed (name, password, roles, consumer, expiry).</summary>
    public static readonly ApiProblem InvalidAccessRequest = new("invalid-access-request", StatusCodes.Status400BadRequest, "Invalid user or token");

    /// <summary>A user or token of that name exists.</summary>
    public static readonly ApiProblem AccessConflict = new("access-conflict", StatusCodes.Status409Conflict, "Name taken");

    /// <summary>No such user, or no such live token.</summary>
    public static readonly ApiProblem UnknownPrincipal = new("unknown-principal", StatusCodes.Status404NotFound, "Unknown user or token");

    public static ApiProblem For(AccessError error) => error switch
    {
        AccessError.Conflict => AccessConflict,
        AccessError.NotFound => UnknownPrincipal,
        _ => InvalidAccessRequest,
    };
}
