namespace Meterline.HeadEnd.Commands.Approvals;

/// <summary>Bulk requests and their approval. Every state change is a compare-and-set, so two operators never both decide one.</summary>
public interface ICommandApprovalStore
{
    /// <summary>Stores the request in state Pending, durably.</summary>
    Task<CommandApproval> CreateAsync(CommandApprovalDraft draft, CancellationToken cancellationToken = default);

    Task<CommandApproval?> GetAsync(ApprovalId id, CancellationToken cancellationToken = default);

    /// <summary>
    /// Moves a request from <paramref name="expected"/> to <paramref name="next"/>, setting who decided, when and
    /// their note. False (and no change) when it was not in <paramref name="expected"/>.
    /// </summary>
    Task<bool> DecideAsync(ApprovalId id, ApprovalState expected, ApprovalState next, string decidedBy, DateTimeOffset at, string? note, CancellationToken cancellationToken = default);

    /// <summary>Approved → Completed with the numbers of commands created and meters refused. False when it was not Approved.</summary>
    Task<bool> CompleteAsync(ApprovalId id, int created, int refused, CancellationToken cancellationToken = default);

    /// <summary>Requests newest first (by id), in one state when given, with ids below <paramref name="before"/> when given; at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<CommandApproval>> ListAsync(ApprovalState? state, ApprovalId? before, int limit, CancellationToken cancellationToken = default);

    /// <summary>Requests in the state, oldest first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<CommandApproval>> GetByStateAsync(ApprovalState state, int limit, CancellationToken cancellationToken = default);
}
