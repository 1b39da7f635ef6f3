using System.Security.Cryptography;
using System.Text;
using Meterline.HeadEnd.Access;
using Meterline.HeadEnd.Audit;
using Meterline.Web;
using Microsoft.AspNetCore.Antiforgery;

namespace Meterline.Server.Access;

/// <summary>
/// Anti-forgery for browser sessions: a POST, PUT, PATCH or DELETE authenticated by the session cookie must carry the
/// session's token (given at sign-in and by GET /api/session) in <see cref="AccessHeaders.Antiforgery"/>, compared in
/// constant time; else 403 antiforgery, audited. Bearer-token requests are exempt (a browser never adds the header by
/// itself), and so are the requests of <see cref="CheckedElsewhere"/>. Runs after authentication.
/// </summary>
public static class CookieAntiforgery
{
    public static IApplicationBuilder UseCookieAntiforgery(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.Use(async (context, next) =>
        {
            if (!DefaultAccessRequirement.IsSafe(context.Request.Method)
                && !CheckedElsewhere(context)
                && context.User.Identity is { IsAuthenticated: true, AuthenticationType: AccessSchemes.Cookie } identity
                && !Matches(context.User.FindFirst(AccessClaims.Antiforgery)?.Value, context.Request.Headers[AccessHeaders.Antiforgery]))
            {
                var auditor = context.RequestServices.GetRequiredService<DenialAuditor>();
                await auditor.ReportAsync(RequestSource.Of(context), "access.denied.antiforgery", identity.Name ?? AccessResultHandler.Anonymous, RequestSource.Subject(context),
                    new AuditDetail().Add("status", StatusCodes.Status403Forbidden), context.RequestAborted).ConfigureAwait(false);
                await AccessProblems.Antiforgery.Result($"A signed-in browser sends the session's anti-forgery token (from GET /api/session) in {AccessHeaders.Antiforgery}.")
                    .ExecuteAsync(context).ConfigureAwait(false);
                return;
            }

            await next(context).ConfigureAwait(false);
        });
    }

    /// <summary>
    /// Requests this check leaves to another: an endpoint that requires ASP.NET Core's form anti-forgery token (the
    /// operator app's sign-in and sign-out forms, its pages' form posts), which a plain HTML form carries as a field
    /// instead of the header; and the Blazor circuit (<see cref="OperatorApp.CircuitPath"/>), whose POSTs only
    /// negotiate or close a connection — what it does runs over the WebSocket, which the SameSite=Strict cookie keeps
    /// from other sites.
    /// </summary>
    private static bool CheckedElsewhere(HttpContext context) =>
        context.GetEndpoint()?.Metadata.GetMetadata<IAntiforgeryMetadata>() is { RequiresValidation: true }
        || context.Request.Path.StartsWithSegments(OperatorApp.CircuitPath, StringComparison.Ordinal);

    private static bool Matches(string? expected, Microsoft.Extensions.Primitives.StringValues presented) =>
        expected is not null && presented.Count == 1 && presented[0] is { } value
        && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(value));
}
