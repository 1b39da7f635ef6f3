using Meterline.HeadEnd.Commands;
using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.DemandControl;

/// <summary>Group load limits and their members.</summary>
public interface IDemandLimitStore
{
    /// <summary>Stores the limit and its members (distinct, each waiting for its command) in one transaction.</summary>
    Task<DemandLimit> CreateAsync(DemandLimitDraft draft, IReadOnlyCollection<MeterId> members, CancellationToken cancellationToken = default);

    Task<DemandLimit?> GetAsync(DemandLimitId id, CancellationToken cancellationToken = default);

    /// <summary>Limits newest first, those with an id below <paramref name="before"/> when given, at most <paramref name="limit"/> (1 to 1,000).</summary>
    Task<IReadOnlyList<DemandLimit>> ListAsync(DemandLimitId? before, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Marks the limit cancelled and withdraws every member still waiting for its command (rejection
    /// <see cref="DemandLimitMember.Withdrawn"/>), in one transaction; the count withdrawn, or null when there is no
    /// such limit or it was cancelled before (nothing changed).
    /// </summary>
    Task<int?> CancelAsync(DemandLimitId id, string actor, string reason, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>Every member with its command's state and result, in meter id order.</summary>
    Task<IReadOnlyList<DemandLimitMember>> GetMembersAsync(DemandLimitId id, CancellationToken cancellationToken = default);

    /// <summary>Members with neither a command nor a rejection, oldest limit first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<DemandLimitPendingMember>> GetPendingAsync(int limit, CancellationToken cancellationToken = default);

    /// <summary>Records the member's command; false (nothing changed) when the member was withdrawn or rejected meanwhile.</summary>
    Task<bool> SetCommandAsync(DemandLimitPendingMember member, CommandId command, CancellationToken cancellationToken = default);

    /// <summary>Records why the member gets no command.</summary>
    Task SetRejectedAsync(DemandLimitPendingMember member, string reason, CancellationToken cancellationToken = default);
}
