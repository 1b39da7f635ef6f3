using System.Security.Claims;
using Meterline.HeadEnd.Access;
using Meterline.HeadEnd.Audit;
using Microsoft.AspNetCore.Authentication;

namespace Meterline.Server.Access;

/// <summary>
/// The one password sign-in of a browser, behind both <c>POST /api/session</c> (JSON) and the operator app's form
/// (<see cref="OperatorSignInApi"/>): the per-name limit, <see cref="AccessService.SignInAsync"/> (lockout, the
/// success audit), the audit of a failure or a throttled attempt, and the session cookie. The per-source limit is the
/// rate limiter's policy on each endpoint.
/// </summary>
public static class SessionSignIn
{
    public static async Task<SessionSignInResult> SignInAsync(HttpContext context, string name, string password, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(password);
        var services = context.RequestServices;
        var auditor = services.GetRequiredService<DenialAuditor>();
        var source = RequestSource.Of(context);
        var subject = AccessNames.IsValid(name) ? name : "(malformed name)";
        if (!services.GetRequiredService<LoginLimiter>().TryAcquire(name, out var retryAfter))
        {
            await auditor.ReportAsync(source, "access.login.rate-limited", AccessResultHandler.Anonymous, subject, new AuditDetail().Add("limit", "name"), cancellationToken).ConfigureAwait(false);
            return new SessionSignInResult(SessionSignInOutcome.RateLimited, null, retryAfter);
        }

        var result = await services.GetRequiredService<AccessService>().SignInAsync(name, password, source, cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            await auditor.ReportAsync(source, "access.login.failed", AccessResultHandler.Anonymous, subject, new AuditDetail().Add("outcome", result.Outcome.ToString()), cancellationToken).ConfigureAwait(false);
            return new SessionSignInResult(SessionSignInOutcome.Refused, null, TimeSpan.Zero);
        }

        var principal = new ClaimsPrincipal(AccessPrincipals.ForSession(result.User!));
        await context.SignInAsync(AccessSchemes.Cookie, principal, new AuthenticationProperties { IsPersistent = false }).ConfigureAwait(false);
        return new SessionSignInResult(SessionSignInOutcome.SignedIn, principal, TimeSpan.Zero);
    }
}
