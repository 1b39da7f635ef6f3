using System.Security.Claims;
using Meterline.HeadEnd.Access;
using Meterline.HeadEnd.Audit;
using Meterline.Web.Shell;
using Microsoft.AspNetCore.Components.Authorization;

namespace Meterline.Server.Access;

/// <summary>
/// The operator app's <see cref="IOperatorIdentity"/> in a circuit (or a page's first render): the principal of the
/// circuit's authentication state — the session cookie's user, as the WebSocket request (or the page request) was
/// authenticated — its name the actor, its access roles mapped by <see cref="OperatorAppAccess.Allows"/>. The state is
/// followed for the circuit's life: when <see cref="CircuitSessionRevalidation"/> finds the session no longer current,
/// the identity becomes nobody (every role check fails) and <see cref="Revoked"/> is raised. A refused action is
/// audited as <c>access.denied.forbidden</c> from the address the circuit was opened from.
/// </summary>
public sealed class SignedInOperator : IOperatorIdentity, IDisposable
{
    private readonly AuthenticationStateProvider _authentication;
    private readonly string _source;
    private readonly DenialAuditor _auditor;
    private readonly string _actor;
    private volatile ClaimsPrincipal _user;

    public SignedInOperator(AuthenticationStateProvider authentication, IHttpContextAccessor http, DenialAuditor auditor)
    {
        ArgumentNullException.ThrowIfNull(authentication);
        ArgumentNullException.ThrowIfNull(http);
        _authentication = authentication;
        _auditor = auditor;

        // The state is set before any component is created (from the page request, or the circuit's connection), so
        // the task has completed; anything else is treated as nobody.
        var state = authentication.GetAuthenticationStateAsync();
        _user = state.IsCompletedSuccessfully ? state.Result.User : Nobody();
        _actor = _user.Identity is { IsAuthenticated: true, Name: { } name } ? name : AccessResultHandler.Anonymous;
        _source = http.HttpContext is { } context ? RequestSource.Of(context) : "circuit";
        authentication.AuthenticationStateChanged += OnChanged;
    }

    public event Action? Revoked;

    /// <summary>The user who signed in (kept after a revocation, so that a refused action is audited under their name).</summary>
    public string Actor => _actor;

    public bool IsSignedIn => _user.Identity?.IsAuthenticated == true;

    public bool IsInRole(OperatorRole role)
    {
        var user = _user;
        return user.Identity?.IsAuthenticated == true && OperatorAppAccess.Allows(role).Any(r => user.IsInRole(r.Name()));
    }

    public Task ReportDeniedAsync(string subject, CancellationToken cancellationToken = default) =>
        _auditor.ReportAsync(_source, "access.denied.forbidden", Actor, subject,
            new AuditDetail().Add("status", StatusCodes.Status403Forbidden).Add("via", "operator-app"), cancellationToken);

    public void Dispose() => _authentication.AuthenticationStateChanged -= OnChanged;

    private static ClaimsPrincipal Nobody() => new(new ClaimsIdentity());

    private void OnChanged(Task<AuthenticationState> changed)
    {
        if (changed.IsCompleted)
        {
            Apply(changed);
        }
        else
        {
            _ = changed.ContinueWith(Apply, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        }
    }

    private void Apply(Task<AuthenticationState> changed)
    {
        var user = changed.IsCompletedSuccessfully ? changed.Result.User : Nobody();
        var wasSignedIn = IsSignedIn;
        _user = user;
        if (wasSignedIn && user.Identity?.IsAuthenticated != true)
        {
            Revoked?.Invoke();
        }
    }
}
