using Meterline.HeadEnd.Commands;
using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.Northbound;

/// <summary>
/// The command store with northbound publishing: a transition into a final state (Confirmed, Failed, TimedOut,
/// Cancelled) writes its command-result message into the outbox in the same transaction. A command result is never
/// refused for a full outbox (they are few, and refusing would leave the command unresolved): it is added and counted.
/// </summary>
public sealed class OutboxCommandStore(ICommandStore inner, NorthboundMessages messages, OutboxGauge gauge, NorthboundMetrics metrics) : ICommandStore
{
    public Task<CommandRecord> CreateAsync(CommandRequest request, CancellationToken cancellationToken = default) => inner.CreateAsync(request, cancellationToken);

    public Task<CommandRecord?> GetAsync(CommandId id, CancellationToken cancellationToken = default) => inner.GetAsync(id, cancellationToken);

    public Task<bool> TransitionAsync(CommandId id, CommandState expected, CommandState next, DateTimeOffset at, string? result = null, CancellationToken cancellationToken = default) =>
        TransitionAsync(id, expected, next, at, result, [], cancellationToken);

    public async Task<bool> TransitionAsync(CommandId id, CommandState expected, CommandState next, DateTimeOffset at, string? result, IReadOnlyList<OutboxEntry> outbox, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(outbox);
        if (next is not (CommandState.Confirmed or CommandState.Failed or CommandState.TimedOut or CommandState.Cancelled)
            || await inner.GetAsync(id, cancellationToken).ConfigureAwait(false) is not { } command)
        {
            return await inner.TransitionAsync(id, expected, next, at, result, outbox, cancellationToken).ConfigureAwait(false);
        }

        OutboxEntry[] entries = [.. outbox, messages.CommandResult(command, next, at, result)];
        var moved = await inner.TransitionAsync(id, expected, next, at, result, entries, cancellationToken).ConfigureAwait(false);
        if (moved)
        {
            gauge.Added(entries.Length);
            metrics.OnQueued(entries.Length);
            gauge.Appended();
        }

        return moved;
    }

    public Task<bool> MarkSentAsync(CommandId id, string node, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        inner.MarkSentAsync(id, node, at, cancellationToken);

    public Task<IReadOnlyList<CommandRecord>> GetSentToResolveAsync(string? node, DateTimeOffset orphanedBefore, int limit, CancellationToken cancellationToken = default) =>
        inner.GetSentToResolveAsync(node, orphanedBefore, limit, cancellationToken);

    public Task<IReadOnlyList<CommandRecord>> GetByStateAsync(IReadOnlyCollection<CommandState> states, int limit, CancellationToken cancellationToken = default) =>
        inner.GetByStateAsync(states, limit, cancellationToken);

    public Task<IReadOnlyList<CommandRecord>> GetForMeterAsync(MeterId meter, int limit, CancellationToken cancellationToken = default) =>
        inner.GetForMeterAsync(meter, limit, cancellationToken);

    public Task<IReadOnlyList<CommandRecord>> ListAsync(MeterId? meter, CommandState? state, CommandId? before, int limit, CancellationToken cancellationToken = default) =>
        inner.ListAsync(meter, state, before, limit, cancellationToken);
}
