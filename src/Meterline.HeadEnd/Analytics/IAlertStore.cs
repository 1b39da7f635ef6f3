using Meterline.HeadEnd.Northbound;

namespace Meterline.HeadEnd.Analytics;

/// <summary>
/// The alerts table. Raising is an upsert by (meter, dedupe key): the meter's open or acknowledged alert with that key
/// is extended when the finding reaches later data; otherwise a new alert is opened — unless an operator closed one
/// that already covered the finding's data. <paramref name="outbox"/> composes the northbound messages written in the
/// same transaction when an alert is opened or changes state.
/// </summary>
public interface IAlertStore
{
    Task<AlertRaiseResult> RaiseAsync(Finding finding, DateTimeOffset at, Func<Alert, IReadOnlyList<OutboxEntry>>? outbox = null, CancellationToken cancellationToken = default);

    /// <summary>Open → Acknowledged, Open or Acknowledged → Closed, by <paramref name="actor"/> at <paramref name="at"/> (compare-and-set on the state).</summary>
    Task<AlertTransitionResult> TransitionAsync(AlertId id, AlertState next, string actor, DateTimeOffset at, Func<Alert, IReadOnlyList<OutboxEntry>>? outbox = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Gives an alert that is not closed to <paramref name="assignee"/> (null: to nobody), recording who did it and when;
    /// NotFound, or NotAllowed for a closed alert.
    /// </summary>
    Task<AlertTransitionResult> AssignAsync(AlertId id, string? assignee, string actor, DateTimeOffset at, CancellationToken cancellationToken = default);

    Task<Alert?> GetAsync(AlertId id, CancellationToken cancellationToken = default);

    /// <summary>Alerts newest first (by id) before <paramref name="before"/>, at most <paramref name="limit"/> (1 to 10,000).</summary>
    Task<IReadOnlyList<Alert>> ListAsync(AlertFilter filter, AlertId? before, int limit, CancellationToken cancellationToken = default);
}
