namespace Meterline.Web.Shell;

/// <summary>
/// Who uses the app in this circuit: the actor recorded in the audit log for commands and alert changes, and whether
/// they hold a role (which decides whether action buttons are offered, and is checked again before an action runs).
/// Registered scoped (one per circuit); the head-end's access layer replaces <see cref="UnauthenticatedOperatorIdentity"/>
/// with the signed-in user.
/// </summary>
public interface IOperatorIdentity
{
    /// <summary>The name recorded as the actor of this user's actions.</summary>
    string Actor { get; }

    /// <summary>Whether a user signed in (false for the placeholder, which then offers no sign-out).</summary>
    bool IsSignedIn { get; }

    bool IsInRole(OperatorRole role);

    /// <summary>
    /// Raised when the user's session stops standing for them (disabled, demoted, password changed) while the circuit is
    /// open; from then on the identity holds no role. The layout reloads the page, which the access layer signs out.
    /// </summary>
    event Action? Revoked;

    /// <summary>Audits an action the user tried without the role for it (as the API audits a 403).</summary>
    /// <param name="subject">What was tried, e.g. <c>command Disconnect meter SN-1</c>.</param>
    Task ReportDeniedAsync(string subject, CancellationToken cancellationToken = default);
}
