using Meterline.HeadEnd.Access;
using Meterline.HeadEnd.Audit;
using Meterline.Server.Problems;
using Meterline.Web;
using Meterline.Web.Portal;
using Meterline.Web.Shell;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.Net.Http.Headers;

namespace Meterline.Server.Access;

/// <summary>
/// Answers every refused request with a ProblemDetails — 401 unauthenticated, 403 forbidden, or 404 unknown-meter
/// for a consumer asking for another's meter — and audits it (who, what, from where; one entry per source and
/// kind per window through the <see cref="DenialAuditor"/>). A browser (accepting text/html) asking for an operator app page is redirected
/// instead: to sign in, or (signed in without a staff role, e.g. a consumer) to the page that says it may not use the app.
/// </summary>
public sealed class AccessResultHandler(DenialAuditor auditor) : IAuthorizationMiddlewareResultHandler
{
    public const string Anonymous = "anonymous";

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        ArgumentNullException.ThrowIfNull(next);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(authorizeResult);
        if (authorizeResult.Succeeded)
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        var actor = context.User.Identity?.IsAuthenticated == true ? context.User.Identity.Name ?? Anonymous : Anonymous;
        var subject = RequestSource.Subject(context);
        ApiProblem problem;
        string action;
        string detail;
        if (authorizeResult.Challenged || context.User.Identity?.IsAuthenticated != true)
        {
            var failure = context.Features.Get<IAuthenticateResultFeature>()?.AuthenticateResult?.Failure?.Message;
            (problem, action, detail) = (AccessProblems.Unauthenticated, "access.denied.unauthenticated", failure ?? "No credentials: sign in (POST /api/session) or send Authorization: Bearer <API token>.");
            context.Response.Headers.WWWAuthenticate = "Bearer";
        }
        else if (authorizeResult.AuthorizationFailure?.FailureReasons.Any(r => r.Message == MeterOwnerRequirement.NotOwner) == true)
        {
            (problem, action, detail) = (ApiProblems.UnknownMeter, "access.denied.not-owner", "No meter is registered with that serial or id.");
        }
        else
        {
            var roles = string.Join(',', AccessPrincipals.Roles(context.User));
            (problem, action, detail) = (AccessProblems.Forbidden, "access.denied.forbidden", $"The roles {(roles.Length == 0 ? "(none)" : roles)} do not allow {context.Request.Method} here.");
        }

        await auditor.ReportAsync(RequestSource.Of(context), action, actor, subject, new AuditDetail().Add("status", problem.Status), context.RequestAborted).ConfigureAwait(false);
        if (context.GetEndpoint()?.Metadata.GetMetadata<RequiresRoleAttribute>() is { } page && HttpMethods.IsGet(context.Request.Method)
            && context.Request.Headers.Accept.Any(a => a is not null && a.Contains("text/html", StringComparison.OrdinalIgnoreCase)))
        {
            // A browser asking for a page of the operator app is sent to sign in, or told that its account may not use
            // the app; any other client gets the problem like every endpoint. A consumer asking for a staff page goes
            // to the consumer portal, a staff member asking for a portal page to the operator app.
            var target = problem == AccessProblems.Unauthenticated
                ? $"{OperatorApp.SignInPath}?returnUrl={Uri.EscapeDataString(context.Request.Path + context.Request.QueryString)}"
                : PortalRedirect(context.User, page.Role) ?? OperatorApp.NotAllowedPath;
            context.Response.Headers.Remove(HeaderNames.WWWAuthenticate);
            await TypedResults.Redirect(target).ExecuteAsync(context).ConfigureAwait(false);
            return;
        }

        await problem.Result(detail).ExecuteAsync(context).ConfigureAwait(false);
    }

    private static string? PortalRedirect(System.Security.Claims.ClaimsPrincipal user, OperatorRole pageRole)
    {
        var consumer = user.IsInRole(AccessRole.Consumer.Name()) && user.FindFirst(AccessClaims.Consumer) is not null;
        return (consumer, pageRole == OperatorRole.Consumer) switch
        {
            (true, false) => ConsumerPortalPaths.Home,
            (false, true) when DefaultAccessRequirement.Readers.Any(r => user.IsInRole(r.Name())) => "/",
            _ => null,
        };
    }
}
