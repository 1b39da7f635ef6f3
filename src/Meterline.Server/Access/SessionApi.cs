using System.Globalization;
using System.Security.Claims;
using Meterline.HeadEnd.Access;
using Meterline.HeadEnd.Audit;
using Meterline.Server.Api;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using FromServicesAttribute = Microsoft.AspNetCore.Mvc.FromServicesAttribute;
using Microsoft.Extensions.Options;

namespace Meterline.Server.Access;

/// <summary>
/// Browser sessions: POST /api/session signs in (a cookie, HttpOnly, SameSite=Strict, Secure over HTTPS) — rate
/// limited per source address and per name, failures audited; GET says who the request is; DELETE signs out; POST
/// /api/session/password changes the signed-in user's own password.
/// </summary>
public static class SessionApi
{
    public const int MaxBodyBytes = 4_096;

    public static IEndpointRouteBuilder MapSession(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/session").WithTags("Access");
        group.MapPost("/", SignInAsync).WithName("SignIn").AllowAnonymous().RequireRateLimiting(LoginLimiter.SourcePolicy)
            .Accepts<SessionRequestBody>("application/json").WithSummary("Sign in with name and password: sets the session cookie")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status429TooManyRequests);
        group.MapGet("/", Get).WithName("GetSession").RequireAuthorization(AccessPolicies.SignedIn).WithSummary("Who the request is: name, roles, anti-forgery token");
        group.MapDelete("/", SignOutAsync).WithName("SignOut").RequireAuthorization(AccessPolicies.SignedIn).WithSummary("Sign out: ends the session cookie");
        group.MapPost("/password", ChangePasswordAsync).WithName("ChangeOwnPassword").RequireAuthorization(AccessPolicies.SignedIn)
            .Accepts<PasswordChangeBody>("application/json").WithSummary("Change the signed-in user's password (with the current one)");
        return routes;
    }

    internal static async Task<Results<Ok<SessionResponse>, ProblemHttpResult>> SignInAsync(
        HttpContext context, IOptions<JsonOptions> json, CancellationToken cancellationToken)
    {
        var (body, problem) = await JsonRequestBody.ReadAsync<SessionRequestBody>(context.Request, json.Value.SerializerOptions, MaxBodyBytes, optional: false, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        if (body!.Name is not { } name || body.Password is not { } password)
        {
            return AccessProblems.InvalidAccessRequest.Result("Sign-in needs a name and a password.");
        }

        var signIn = await SessionSignIn.SignInAsync(context, name, password, cancellationToken).ConfigureAwait(false);
        switch (signIn.Outcome)
        {
            case SessionSignInOutcome.RateLimited:
                context.Response.Headers.RetryAfter = ((int)Math.Ceiling(signIn.RetryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                return AccessProblems.RateLimited.Result("Too many sign-in attempts for this name; try again later.");
            case SessionSignInOutcome.Refused:
                return AccessProblems.SignInFailed.Result("Wrong name or password, or the user is locked out or disabled.");
            default:
                return TypedResults.Ok(Describe(signIn.Principal!));
        }
    }

    internal static Ok<SessionResponse> Get(ClaimsPrincipal user) => TypedResults.Ok(Describe(user));

    internal static async Task<NoContent> SignOutAsync(HttpContext context, ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (user.Identity?.AuthenticationType == AccessSchemes.Cookie)
        {
            await context.SignOutAsync(AccessSchemes.Cookie).ConfigureAwait(false);
        }

        return TypedResults.NoContent();
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> ChangePasswordAsync(
        HttpContext context, [FromServices] AccessService access, [FromServices] DenialAuditor auditor, IOptions<JsonOptions> json, CancellationToken cancellationToken)
    {
        if (context.User.Identity is not { AuthenticationType: AccessSchemes.Cookie, Name: { } name })
        {
            return AccessProblems.InvalidAccessRequest.Result("An API token has no password; a signed-in user changes their own.");
        }

        var (body, problem) = await JsonRequestBody.ReadAsync<PasswordChangeBody>(context.Request, json.Value.SerializerOptions, MaxBodyBytes, optional: false, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        if (body!.Current is not { } current || body.Password is not { } password)
        {
            return AccessProblems.InvalidAccessRequest.Result("A password change needs current and password.");
        }

        if (!AccessNames.IsValidPassword(password))
        {
            return AccessProblems.InvalidAccessRequest.Result($"A password is {AccessNames.MinPasswordLength} to {AccessNames.MaxPasswordLength} characters, none a control character.");
        }

        var source = RequestSource.Of(context);
        var check = await access.SignInAsync(name, current, source, cancellationToken).ConfigureAwait(false);
        if (!check.Succeeded)
        {
            await auditor.ReportAsync(source, "access.password-change.failed", name, name, new AuditDetail().Add("outcome", check.Outcome.ToString()), cancellationToken).ConfigureAwait(false);
            return AccessProblems.SignInFailed.Result("The current password is wrong, or the user is locked out or disabled.");
        }

        try
        {
            var user = await access.ChangePasswordAsync(name, name, password, cancellationToken).ConfigureAwait(false);
            await context.SignInAsync(AccessSchemes.Cookie, new ClaimsPrincipal(AccessPrincipals.ForSession(user)), new AuthenticationProperties { IsPersistent = false }).ConfigureAwait(false);
            return TypedResults.NoContent();
        }
        catch (AccessException e)
        {
            return AccessProblems.For(e.Error).Result(e.Message);
        }
    }

    private static SessionResponse Describe(ClaimsPrincipal user) => new(
        user.Identity?.Name ?? string.Empty,
        AccessPrincipals.Roles(user),
        user.FindFirst(AccessClaims.Consumer)?.Value,
        user.Identity?.AuthenticationType ?? string.Empty,
        user.FindFirst(AccessClaims.Antiforgery)?.Value);
}
