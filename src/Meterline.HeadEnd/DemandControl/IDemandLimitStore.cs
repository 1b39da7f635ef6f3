using Meterline.HeadEnd.Commands;
using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.DemandControl;

/// <summary>Group load limits and their members.</summary>
public interface IDemandLimitStore
{
    /// <summary>Stores the limit and its members (distinct, each waiting for its command) in one transaction.</summary>
    Task<DemandLimit> CreateAsync(DemandLimitDraft draft, IReadOnlyCollection<MeterId> members, CancellationToken cancellationToken = default);

    Task<DemandLimit?> GetAsync(DemandLimitId id, CancellationToken cancellationToken = default);

    /// <summary>Every member with its command's state and result, in meter id order.</summary>
    Task<IReadOnlyList<DemandLimitMember>> GetMembersAsync(DemandLimitId id, CancellationToken cancellationToken = default);

    /// <summary>Members with neither a command nor a rejection, oldest limit first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<DemandLimitPendingMember>> GetPendingAsync(int limit, CancellationToken cancellationToken = default);

    /// <summary>Records the member's command.</summary>
    Task SetCommandAsync(DemandLimitPendingMember member, CommandId command, CancellationToken cancellationToken = default);

    /// <summary>Records why the member gets no command.</summary>
    Task SetRejectedAsync(DemandLimitPendingMember member, string reason, CancellationToken cancellationToken = default);
}
