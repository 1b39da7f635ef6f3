using System.Globalization;
using Meterline.HeadEnd.Access;
using Meterline.HeadEnd.Audit;
using Meterline.Web;
using Meterline.Web.Portal;
using Meterline.Web.Shell;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using FromServicesAttribute = Microsoft.AspNetCore.Mvc.FromServicesAttribute;

namespace Meterline.Server.Access;

/// <summary>
/// The operator app's sign-in and sign-out forms (plain HTML posts, so the pages need no script): the same sign-in as
/// <c>POST /api/session</c> (<see cref="SessionSignIn"/>: per-source and per-name limits, lockout, audit), answered
/// with redirects. Both forms carry ASP.NET Core's form anti-forgery token (the sign-in form's keeps another site from
/// signing a browser into its account; the sign-out form's replaces the session's header token, which a form cannot send).
/// </summary>
public static class OperatorSignInApi
{
    /// <summary>The endpoint name of the sign-in form's post.</summary>
    public const string SignInFormName = "SignInForm";

    /// <summary>The largest sign-in form a throttled answer reads its return path from (a real one is well under 1 KB).</summary>
    public const int MaxThrottledFormBytes = 8 * 1024;

    public static IEndpointRouteBuilder MapOperatorSignIn(this IEndpointRouteBuilder routes)
    {
        routes.MapPost(OperatorApp.SignInFormPath, SignInAsync).WithName(SignInFormName).AllowAnonymous().RequireRateLimiting(LoginLimiter.SourcePolicy)
            .WithMetadata(new RequireAntiforgeryTokenAttribute()).ExcludeFromDescription();
        routes.MapPost(OperatorApp.SignOutFormPath, SignOutAsync).WithName("SignOutForm").RequireAuthorization(AccessPolicies.SignedIn)
            .WithMetadata(new RequireAntiforgeryTokenAttribute()).ExcludeFromDescription();
        return routes;
    }

    internal static async Task<IResult> SignInAsync(HttpContext context, [FromServices] IAntiforgery antiforgery, CancellationToken cancellationToken)
    {
        if (!context.Request.HasFormContentType || !await antiforgery.IsRequestValidAsync(context).ConfigureAwait(false))
        {
            await AuditForgedAsync(context, cancellationToken).ConfigureAwait(false);
            return SignInPage("expired", null);
        }

        var form = await context.Request.ReadFormAsync(cancellationToken).ConfigureAwait(false);
        var returnUrl = LocalPath(form["returnUrl"]);
        if (form["name"] is not [{ Length: > 0 } name] || form["password"] is not [{ Length: > 0 } password])
        {
            return SignInPage("refused", returnUrl);
        }

        var signIn = await SessionSignIn.SignInAsync(context, name, password, cancellationToken).ConfigureAwait(false);
        switch (signIn.Outcome)
        {
            case SessionSignInOutcome.RateLimited:
                context.Response.Headers.RetryAfter = Seconds(signIn.RetryAfter).ToString(CultureInfo.InvariantCulture);
                return Throttled(returnUrl, signIn.RetryAfter);
            case SessionSignInOutcome.Refused:
                return SignInPage("refused", returnUrl);
            default:
                // A consumer lands on the consumer portal unless they asked for a page of it.
                var consumer = signIn.Principal?.FindFirst(AccessClaims.Consumer) is not null;
                var portalPage = returnUrl is not null && (returnUrl == ConsumerPortalPaths.Home || returnUrl.StartsWith(ConsumerPortalPaths.Home + "/", StringComparison.Ordinal));
                return TypedResults.LocalRedirect(consumer && !portalPage
                    ? ConsumerPortalPaths.Home
                    : returnUrl ?? "/");
        }
    }

    internal static async Task<RedirectHttpResult> SignOutAsync(HttpContext context, [FromServices] IAntiforgery antiforgery, CancellationToken cancellationToken)
    {
        if (!context.Request.HasFormContentType || !await antiforgery.IsRequestValidAsync(context).ConfigureAwait(false))
        {
            await AuditForgedAsync(context, cancellationToken).ConfigureAwait(false);
            return TypedResults.LocalRedirect("/");
        }

        if (context.User.Identity?.AuthenticationType == AccessSchemes.Cookie)
        {
            await context.SignOutAsync(AccessSchemes.Cookie).ConfigureAwait(false);
        }

        return SignInPage("signed-out", null);
    }

    /// <summary>Whether the request is the sign-in form's post (a browser's, answered with the sign-in page when throttled).</summary>
    public static bool IsSignInForm(HttpContext context) =>
        context.GetEndpoint()?.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName == SignInFormName;

    /// <summary>
    /// Answers a sign-in form posted too often: the sign-in page again, status 429, saying in how many seconds to try
    /// (the caller sets <c>Retry-After</c>), with the form's return path kept when the form is small enough to read.
    /// </summary>
    public static async Task WriteThrottledAsync(HttpContext context, TimeSpan retryAfter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        string? returnUrl = null;
        if (context.Request.HasFormContentType && context.Request.ContentLength is <= MaxThrottledFormBytes)
        {
            var form = await context.Request.ReadFormAsync(cancellationToken).ConfigureAwait(false);
            returnUrl = LocalPath(form["returnUrl"]);
        }

        await Throttled(returnUrl, retryAfter).ExecuteAsync(context).ConfigureAwait(false);
    }

    /// <summary>Whole seconds to wait, rounded up, at least one.</summary>
    public static int Seconds(TimeSpan retryAfter) => Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));

    private static RazorComponentResult<SignInThrottled> Throttled(string? returnUrl, TimeSpan retryAfter) =>
        new(new Dictionary<string, object?> { [nameof(SignInThrottled.ReturnUrl)] = returnUrl, [nameof(SignInThrottled.RetryAfterSeconds)] = Seconds(retryAfter) })
        {
            StatusCode = StatusCodes.Status429TooManyRequests,
        };

    /// <summary>A path of this site to return to after signing in, or null (an absolute or protocol-relative URL is dropped).</summary>
    public static string? LocalPath(string? value) =>
        value is ['/'] or ['/', not ('/' or '\\'), ..] && !value.Any(char.IsControl) ? value : null;

    private static RedirectHttpResult SignInPage(string reason, string? returnUrl) =>
        TypedResults.LocalRedirect(returnUrl is null
            ? $"{OperatorApp.SignInPath}?reason={reason}"
            : $"{OperatorApp.SignInPath}?reason={reason}&returnUrl={Uri.EscapeDataString(returnUrl)}");

    private static Task AuditForgedAsync(HttpContext context, CancellationToken cancellationToken) =>
        context.RequestServices.GetRequiredService<DenialAuditor>().ReportAsync(RequestSource.Of(context), "access.denied.antiforgery",
            context.User.Identity is { IsAuthenticated: true, Name: { } name } ? name : AccessResultHandler.Anonymous, RequestSource.Subject(context),
            new AuditDetail().Add("status", StatusCodes.Status400BadRequest), cancellationToken);
}
