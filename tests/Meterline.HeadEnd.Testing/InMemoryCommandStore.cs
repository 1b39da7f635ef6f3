using Meterline.HeadEnd.Commands;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Northbound;

namespace Meterline.HeadEnd.Testing;

/// <summary>Commands in memory, for unit tests; transitions are compare-and-set as in the real stores.</summary>
public sealed class InMemoryCommandStore : ICommandStore
{
    private readonly Lock _lock = new();
    private readonly SortedDictionary<long, CommandRecord> _commands = [];
    private readonly Dictionary<long, string> _sentBy = [];
    private long _next = 1;

    public Task<CommandRecord> CreateAsync(CommandRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        lock (_lock)
        {
            if (request.IdempotencyKey is { } key && _commands.Values.FirstOrDefault(c => c.IdempotencyKey == key) is { } existing)
            {
                return Task.FromResult(existing);
            }

            var record = new CommandRecord(new CommandId(_next++), request.Meter, request.Kind, request.Parameters, CommandState.Requested, request.RequestedBy,
                request.RequestedAt, request.NotBefore, request.Deadline, null, null, null, request.IdempotencyKey);
            _commands[record.Id.Value] = record;
            return Task.FromResult(record);
        }
    }

    public Task<CommandRecord?> GetAsync(CommandId id, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult(_commands.GetValueOrDefault(id.Value));
        }
    }

    /// <summary>The outbox entries transitions carried, in order.</summary>
    public List<OutboxEntry> Outbox { get; } = [];

    public Task<bool> TransitionAsync(CommandId id, CommandState expected, CommandState next, DateTimeOffset at, string? result = null, CancellationToken cancellationToken = default) =>
        TransitionAsync(id, expected, next, at, result, [], cancellationToken);

    public Task<bool> TransitionAsync(CommandId id, CommandState expected, CommandState next, DateTimeOffset at, string? result, IReadOnlyList<OutboxEntry> outbox, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(outbox);
        lock (_lock)
        {
            if (!_commands.TryGetValue(id.Value, out var c) || c.State != expected)
            {
                return Task.FromResult(false);
            }

            Outbox.AddRange(outbox);

            var final = next is CommandState.Confirmed or CommandState.Failed or CommandState.TimedOut or CommandState.Cancelled;
            _commands[id.Value] = c with
            {
                State = next,
                SentAt = next == CommandState.Sent ? at : c.SentAt,
                CompletedAt = final ? at : c.CompletedAt,
                Result = result ?? c.Result,
            };
            return Task.FromResult(true);
        }
    }

    public Task<bool> MarkSentAsync(CommandId id, string node, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(node);
        lock (_lock)
        {
            if (!_commands.TryGetValue(id.Value, out var c) || c.State != CommandState.Requested
                || _commands.Values.Any(other => other.Meter == c.Meter && other.State == CommandState.Sent))
            {
                return Task.FromResult(false);
            }

            _commands[id.Value] = c with { State = CommandState.Sent, SentAt = at };
            _sentBy[id.Value] = node;
            return Task.FromResult(true);
        }
    }

    public Task<IReadOnlyList<CommandRecord>> GetSentToResolveAsync(string? node, DateTimeOffset orphanedBefore, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        lock (_lock)
        {
            IReadOnlyList<CommandRecord> list = _commands.Values
                .Where(c => c.State == CommandState.Sent
                    && (c.Deadline < orphanedBefore || node is not null && (!_sentBy.TryGetValue(c.Id.Value, out var by) || by == node)))
                .Take(limit).ToList();
            return Task.FromResult(list);
        }
    }

    public Task<IReadOnlyList<CommandRecord>> GetByStateAsync(IReadOnlyCollection<CommandState> states, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(states);
        lock (_lock)
        {
            IReadOnlyList<CommandRecord> list = _commands.Values.Where(c => states.Contains(c.State)).Take(limit).ToList();
            return Task.FromResult(list);
        }
    }

    public Task<IReadOnlyList<CommandRecord>> GetForMeterAsync(MeterId meter, int limit, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            IReadOnlyList<CommandRecord> list = _commands.Values.Where(c => c.Meter == meter).Reverse().Take(limit).ToList();
            return Task.FromResult(list);
        }
    }

    public Task<IReadOnlyList<CommandRecord>> ListAsync(MeterId? meter, CommandState? state, CommandId? before, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        lock (_lock)
        {
            IReadOnlyList<CommandRecord> list = _commands.Values
                .Where(c => (meter is null || c.Meter == meter) && (state is null || c.State == state) && (before is null || c.Id.Value < before.Value.Value))
                .Reverse().Take(limit).ToList();
            return Task.FromResult(list);
        }
    }
}
