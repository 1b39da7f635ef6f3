namespace Meterline.Web.Shell;

/// <summary>
/// Who uses the app in this circuit: the actor recorded in the audit log for commands and alert changes, and whether
/// they hold a role (which decides whether action buttons are offered). Registered scoped (one per circuit); the
/// head-end's access layer replaces <see cref="UnauthenticatedOperatorIdentity"/> with the signed-in user.
/// </summary>
public interface IOperatorIdentity
{
    /// <summary>The name recorded as the actor of this user's actions.</summary>
    string Actor { get; }

    bool IsInRole(OperatorRole role);
}
