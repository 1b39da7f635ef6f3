namespace Meterline.Web.Shell;

/// <summary>
/// The role a page (or an action on it) needs. The app itself enforces nothing: <see cref="OperatorAppOptions.RolePolicy"/>
/// maps each role to an authorization policy of the head-end's access layer, and <see cref="OperatorApp.MapOperatorApp"/>
/// puts that policy on every page endpoint that declares a role with <see cref="RequiresRoleAttribute"/>.
/// </summary>
public enum OperatorRole
{
    /// <summary>Sees the fleet, meters, map and alerts.</summary>
    Viewer = 0,

    /// <summary>Also sends commands (read, connect, disconnect) and acknowledges and closes alerts.</summary>
    Operator = 1,

    /// <summary>Also administers users and settings.</summary>
    Admin = 2,

    /// <summary>Reads the audit log.</summary>
    Auditor = 3,

    /// <summary>A consumer's own pages (the consumer portal, <c>/my</c>): consumers only, never staff.</summary>
    Consumer = 4,
}
