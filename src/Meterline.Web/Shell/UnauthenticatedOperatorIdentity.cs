namespace Meterline.Web.Shell;

/// <summary>
/// The placeholder identity of a host without an access layer (the head-end registers its own): every role, and
/// actions recorded under <see cref="ActorName"/> so that the audit log shows plainly that no signed-in user stood
/// behind them. It refuses nothing, so it has no denial to audit.
/// </summary>
public sealed class UnauthenticatedOperatorIdentity : IOperatorIdentity
{
    public const string ActorName = "operator-app-unauthenticated";

    public string Actor => ActorName;

    public bool IsSignedIn => false;

    public bool IsInRole(OperatorRole role) => true;

    /// <summary>Never raised: there is no session to revoke.</summary>
    public event Action? Revoked
    {
        add { }
        remove { }
    }

    public Task ReportDeniedAsync(string subject, CancellationToken cancellationToken = default) => Task.CompletedTask;
}
