using System.Globalization;
using Meterline.HeadEnd.Audit;
using Meterline.HeadEnd.Northbound;

namespace Meterline.HeadEnd.Analytics;

/// <summary>
/// Raises findings as alerts and moves alerts through their states: every new alert and every state change is audited
/// (the entry written before the change, as the audit log asks) and, with northbound publishing, published through the
/// outbox in the same transaction as the change.
/// </summary>
public sealed class AlertService(IAlertStore store, IAuditLog audit, TimeProvider time, NorthboundMessages? messages = null, OutboxGauge? gauge = null, NorthboundMetrics? metrics = null)
{
    /// <summary>The longest assignee name.</summary>
    public const int MaxAssigneeLength = 256;

    public IAlertStore Store => store;

    public async Task<AlertRaiseResult> RaiseAsync(Finding finding, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(finding);
        var at = time.GetUtcNow();
        var result = await store.RaiseAsync(finding, at, Compose(at), cancellationToken).ConfigureAwait(false);
        if (result is { Outcome: AlertRaiseOutcome.Opened, Alert: { } alert })
        {
            Queued();
            // Opened by the head-end itself: recorded right after, with the alert's id.
            await audit.AppendAsync(AlertAuditActions.Analytics, AlertAuditActions.Opened, Subject(alert), Detail(alert).ToString(), cancellationToken).ConfigureAwait(false);
        }

        return result;
    }

    public Task<AlertTransitionResult> AcknowledgeAsync(AlertId id, string actor, CancellationToken cancellationToken = default) =>
        TransitionAsync(id, AlertState.Acknowledged, AlertAuditActions.Acknowledged, actor, cancellationToken);

    public Task<AlertTransitionResult> CloseAsync(AlertId id, string actor, CancellationToken cancellationToken = default) =>
        TransitionAsync(id, AlertState.Closed, AlertAuditActions.Closed, actor, cancellationToken);

    /// <summary>
    /// Gives an open or acknowledged alert to <paramref name="assignee"/> (an operator's name, at most 256 characters;
    /// null or blank takes it back), audited before the change. The state does not change; a closed alert is NotAllowed.
    /// </summary>
    public async Task<AlertTransitionResult> AssignAsync(AlertId id, string? assignee, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        assignee = string.IsNullOrWhiteSpace(assignee) ? null : assignee.Trim();
        if (assignee is { Length: > MaxAssigneeLength })
        {
            throw new ArgumentException($"An assignee is at most {MaxAssigneeLength} characters.", nameof(assignee));
        }

        var current = await store.GetAsync(id, cancellationToken).ConfigureAwait(false);
        if (current is null)
        {
            return new AlertTransitionResult(AlertTransitionOutcome.NotFound, null);
        }

        if (current.State == AlertState.Closed)
        {
            return new AlertTransitionResult(AlertTransitionOutcome.NotAllowed, current);
        }

        await audit.AppendAsync(actor, AlertAuditActions.Assigned, Subject(current), Detail(current).Add("assignee", assignee ?? string.Empty).Add("previous", current.AssignedTo ?? string.Empty).ToString(), cancellationToken).ConfigureAwait(false);
        return await store.AssignAsync(id, assignee, actor, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
    }

    private async Task<AlertTransitionResult> TransitionAsync(AlertId id, AlertState next, string action, string actor, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        var current = await store.GetAsync(id, cancellationToken).ConfigureAwait(false);
        if (current is null)
        {
            return new AlertTransitionResult(AlertTransitionOutcome.NotFound, null);
        }

        if (!IsAllowed(current.State, next))
        {
            return new AlertTransitionResult(AlertTransitionOutcome.NotAllowed, current);
        }

        await audit.AppendAsync(actor, action, Subject(current), Detail(current).Add("from", current.State.ToString()).ToString(), cancellationToken).ConfigureAwait(false);
        var at = time.GetUtcNow();
        var result = await store.TransitionAsync(id, next, actor, at, Compose(at), cancellationToken).ConfigureAwait(false);
        if (result.Outcome == AlertTransitionOutcome.Done)
        {
            Queued();
        }

        return result;
    }

    /// <summary>Open → Acknowledged; Open or Acknowledged → Closed.</summary>
    public static bool IsAllowed(AlertState from, AlertState to) => (from, to) switch
    {
        (AlertState.Open, AlertState.Acknowledged) => true,
        (AlertState.Open or AlertState.Acknowledged, AlertState.Closed) => true,
        _ => false,
    };

    /// <summary>One message went into the outbox with the change: counted, and the relay woken.</summary>
    private void Queued()
    {
        if (messages is null)
        {
            return;
        }

        gauge?.Added(1);
        metrics?.OnQueued(1);
        gauge?.Appended();
    }

    private Func<Alert, IReadOnlyList<OutboxEntry>>? Compose(DateTimeOffset at) => messages is null ? null : alert => [messages.AnalyticsAlert(alert, at)];

    private static string Subject(Alert alert) => "alert:" + alert.Id.ToString();

    private static AuditDetail Detail(Alert alert) =>
        new AuditDetail().Add("meter", alert.Meter.Value).Add("rule", alert.RuleId).Add("category", alert.Category)
            .Add("severity", alert.Severity.ToString()).Add("confidence", alert.Confidence.ToString("0.###", CultureInfo.InvariantCulture));
}
