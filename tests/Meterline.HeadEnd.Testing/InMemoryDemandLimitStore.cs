using Meterline.HeadEnd.Commands;
using Meterline.HeadEnd.DemandControl;
using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.Testing;

/// <summary>Group load limits in memory, for unit tests; members' command states come from <paramref name="commands"/>.</summary>
public sealed class InMemoryDemandLimitStore(ICommandStore commands) : IDemandLimitStore
{
    private readonly Lock _lock = new();
    private readonly SortedDictionary<long, DemandLimit> _limits = [];
    private readonly SortedDictionary<(long Limit, int Meter), (CommandId? Command, string? Rejection)> _members = [];
    private long _next = 1;

    public Task<DemandLimit> CreateAsync(DemandLimitDraft draft, IReadOnlyCollection<MeterId> members, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(draft);
        ArgumentNullException.ThrowIfNull(members);
        lock (_lock)
        {
            var distinct = members.Distinct().ToList();
            var limit = new DemandLimit(new DemandLimitId(_next++), draft.TargetKind, draft.Target, draft.Parameters, draft.Actor, draft.RequestedAt, draft.NotBefore, distinct.Count);
            _limits[limit.Id.Value] = limit;
            foreach (var meter in distinct)
            {
                _members[(limit.Id.Value, meter.Value)] = (null, null);
            }

            return Task.FromResult(limit);
        }
    }

    public Task<DemandLimit?> GetAsync(DemandLimitId id, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult(_limits.GetValueOrDefault(id.Value));
        }
    }

    public Task<IReadOnlyList<DemandLimit>> ListAsync(DemandLimitId? before, int limit, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            IReadOnlyList<DemandLimit> found = _limits.Values.Where(l => before is not { } b || l.Id.Value < b.Value).OrderByDescending(l => l.Id.Value).Take(limit).ToList();
            return Task.FromResult(found);
        }
    }

    public Task<int?> CancelAsync(DemandLimitId id, string actor, string reason, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (!_limits.TryGetValue(id.Value, out var limit) || limit.IsCancelled)
            {
                return Task.FromResult<int?>(null);
            }

            _limits[id.Value] = limit with { CancelledAt = at, CancelledBy = actor, CancelReason = reason };
            var waiting = _members.Where(m => m.Key.Limit == id.Value && m.Value is { Command: null, Rejection: null }).Select(m => m.Key).ToList();
            foreach (var key in waiting)
            {
                _members[key] = (null, DemandLimitMember.Withdrawn);
            }

            return Task.FromResult<int?>(waiting.Count);
        }
    }

    public async Task<IReadOnlyList<DemandLimitMember>> GetMembersAsync(DemandLimitId id, CancellationToken cancellationToken = default)
    {
        List<(int Meter, CommandId? Command, string? Rejection)> rows;
        lock (_lock)
        {
            rows = _members.Where(m => m.Key.Limit == id.Value).Select(m => (m.Key.Meter, m.Value.Command, m.Value.Rejection)).ToList();
        }

        var members = new List<DemandLimitMember>(rows.Count);
        foreach (var (meter, command, rejection) in rows)
        {
            var record = command is { } c ? await commands.GetAsync(c, cancellationToken) : null;
            members.Add(new DemandLimitMember(new MeterId(meter), command, record?.State, record?.Result, rejection));
        }

        return members;
    }

    public Task<IReadOnlyList<DemandLimitPendingMember>> GetPendingAsync(int limit, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            IReadOnlyList<DemandLimitPendingMember> pending = _members.Where(m => m.Value is { Command: null, Rejection: null })
                .Take(limit).Select(m => new DemandLimitPendingMember(new DemandLimitId(m.Key.Limit), new MeterId(m.Key.Meter))).ToList();
            return Task.FromResult(pending);
        }
    }

    public Task<bool> SetCommandAsync(DemandLimitPendingMember member, CommandId command, CancellationToken cancellationToken = default) =>
        Task.FromResult(Settle(member, (command, null)));

    public Task SetRejectedAsync(DemandLimitPendingMember member, string reason, CancellationToken cancellationToken = default)
    {
        Settle(member, (null, reason));
        return Task.CompletedTask;
    }

    private bool Settle(DemandLimitPendingMember member, (CommandId? Command, string? Rejection) settled)
    {
        lock (_lock)
        {
            var key = (member.Limit.Value, member.Meter.Value);
            if (!_members.TryGetValue(key, out var current) || current is not { Command: null, Rejection: null })
            {
                return false;
            }

            _members[key] = settled;
            return true;
        }
    }
}
