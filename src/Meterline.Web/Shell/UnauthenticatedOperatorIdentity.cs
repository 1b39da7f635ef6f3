namespace Meterline.Web.Shell;

/// <summary>
/// The placeholder identity until the head-end authenticates operators: every role, and actions recorded under
/// <see cref="ActorName"/> so that the audit log shows plainly that no signed-in user stood behind them.
/// </summary>
public sealed class UnauthenticatedOperatorIdentity : IOperatorIdentity
{
    public const string ActorName = "operator-app-unauthenticated";

    public string Actor => ActorName;

    public bool IsInRole(OperatorRole role) => true;
}
