using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Northbound;

namespace Meterline.HeadEnd.Commands;

/// <summary>Storage of commands. Every transition is a compare-and-set on the state, so two workers never both send one command.</summary>
public interface ICommandStore
{
    /// <summary>
    /// Stores a new command in state Requested, durably. With an idempotency key already used, returns the command
    /// first stored with it instead (and stores nothing).
    /// </summary>
    Task<CommandRecord> CreateAsync(CommandRequest request, CancellationToken cancellationToken = default);

    Task<CommandRecord?> GetAsync(CommandId id, CancellationToken cancellationToken = default);

    /// <summary>
    /// Moves a command from <paramref name="expected"/> to <paramref name="next"/>, durably, setting the sent or
    /// completed time as the state implies and the result if given. False (and no change) when it was not in
    /// <paramref name="expected"/>.
    /// </summary>
    Task<bool> TransitionAsync(CommandId id, CommandState expected, CommandState next, DateTimeOffset at, string? result = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// <see cref="TransitionAsync(CommandId, CommandState, CommandState, DateTimeOffset, string?, CancellationToken)"/>
    /// that also adds <paramref name="outbox"/> to the northbound outbox in the same transaction (only when the
    /// transition happens).
    /// </summary>
    Task<bool> TransitionAsync(CommandId id, CommandState expected, CommandState next, DateTimeOffset at, string? result, IReadOnlyList<OutboxEntry> outbox, CancellationToken cancellationToken = default);

    /// <summary>
    /// Requested → Sent by the dispatcher of <paramref name="node"/>, durably, recording the node. False (and no
    /// change) when the command was not Requested, or when another command of the same meter is Sent already — on any
    /// node sharing the database: a meter runs one command at a time over all nodes.
    /// </summary>
    Task<bool> MarkSentAsync(CommandId id, string node, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sent commands a node must resolve, oldest first, at most <paramref name="limit"/>: with <paramref name="node"/>,
    /// those that node sent (it stopped while sending them) and those sent before nodes were recorded; with or without
    /// it, those of any node whose deadline is before <paramref name="orphanedBefore"/> (a running node finishes its
    /// commands by their deadline, so such a command's node stopped and has not come back).
    /// </summary>
    Task<IReadOnlyList<CommandRecord>> GetSentToResolveAsync(string? node, DateTimeOffset orphanedBefore, int limit, CancellationToken cancellationToken = default);

    /// <summary>Commands in the given states, oldest first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<CommandRecord>> GetByStateAsync(IReadOnlyCollection<CommandState> states, int limit, CancellationToken cancellationToken = default);

    /// <summary>A meter's commands, newest first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<CommandRecord>> GetForMeterAsync(MeterId meter, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Commands newest first (by id), of one meter and in one state when those are given, with ids below
    /// <paramref name="before"/> when it is given; at most <paramref name="limit"/>. A paged listing passes the last
    /// id of one page as <paramref name="before"/> of the next.
    /// </summary>
    Task<IReadOnlyList<CommandRecord>> ListAsync(MeterId? meter, CommandState? state, CommandId? before, int limit, CancellationToken cancellationToken = default);
}
