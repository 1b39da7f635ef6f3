using System.Security.Claims;
using Meterline.HeadEnd.Access;
using Meterline.HeadEnd.Audit;
using Meterline.Web.Shell;
using Microsoft.AspNetCore.Components.Authorization;

namespace Meterline.Server.Access;

/// <summary>
/// The operator app's <see cref="IOperatorIdentity"/> in a circuit (or a page's first render): the principal of the
/// circuit's authentication state — the session cookie's user, as the WebSocket request (or the page request) was
/// authenticated — its name the actor, its access roles mapped by <see cref="OperatorAppAccess.Allows"/>. A refused
/// action is audited as <c>access.denied.forbidden</c> from the address the circuit was opened from.
/// </summary>
public sealed class SignedInOperator : IOperatorIdentity
{
    private readonly ClaimsPrincipal _user;
    private readonly string _source;
    private readonly DenialAuditor _auditor;

    public SignedInOperator(AuthenticationStateProvider authentication, IHttpContextAccessor http, DenialAuditor auditor)
    {
        ArgumentNullException.ThrowIfNull(authentication);
        ArgumentNullException.ThrowIfNull(http);
        _auditor = auditor;

        // The state is set before any component is created (from the page request, or the circuit's connection), so
        // the task has completed; anything else is treated as nobody.
        var state = authentication.GetAuthenticationStateAsync();
        _user = state.IsCompletedSuccessfully ? state.Result.User : new ClaimsPrincipal(new ClaimsIdentity());
        _source = http.HttpContext is { } context ? RequestSource.Of(context) : "circuit";
    }

    public string Actor => _user.Identity is { IsAuthenticated: true, Name: { } name } ? name : AccessResultHandler.Anonymous;

    public bool IsSignedIn => _user.Identity?.IsAuthenticated == true;

    public bool IsInRole(OperatorRole role) => IsSignedIn && OperatorAppAccess.Allows(role).Any(r => _user.IsInRole(r.Name()));

    public Task ReportDeniedAsync(string subject, CancellationToken cancellationToken = default) =>
        _auditor.ReportAsync(_source, "access.denied.forbidden", Actor, subject,
            new AuditDetail().Add("status", StatusCodes.Status403Forbidden).Add("via", "operator-app"), cancellationToken);
}
