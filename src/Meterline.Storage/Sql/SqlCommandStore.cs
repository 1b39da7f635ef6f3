using System.Data.Common;
using Meterline.HeadEnd.Commands;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Northbound;

namespace Meterline.Storage.Sql;

/// <summary>
/// Commands on either engine. Transitions are one conditional UPDATE (compare-and-set on the state), so of two
/// concurrent transitions from the same state exactly one changes the row. Idempotency keys are a unique column.
/// </summary>
internal sealed class SqlCommandStore(SqlDatabase database) : ICommandStore
{
    public const int MaxLimit = 10_000;
    public const int MaxTextLength = 256;

    public async Task<CommandRecord> CreateAsync(CommandRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        Validate(request);
        try
        {
            return await database.WriteAsync(
                async (connection, transaction) =>
                {
                    await using (var insert = database.Command(
                        connection,
                        transaction,
                        "INSERT INTO commands (meter, kind, parameters, state, requested_by, requested_at, not_before, deadline, idempotency_key) " +
                        "VALUES (@meter, @kind, @parameters, @state, @requested_by, @requested_at, @not_before, @deadline, @key) " +
                        $"ON CONFLICT (idempotency_key) DO NOTHING RETURNING {CommandRows.Columns}"))
                    {
                        insert.With("meter", request.Meter.Value).With("kind", (int)request.Kind).With("parameters", request.Parameters)
                            .With("state", (int)CommandState.Requested).With("requested_by", request.RequestedBy)
                            .With("requested_at", database.TimeOf(request.RequestedAt)).With("not_before", database.TimeOrNull(request.NotBefore))
                            .With("deadline", database.TimeOf(request.Deadline)).With("key", request.IdempotencyKey);
                        var created = await CommandRows.ReadAllAsync(database, insert, cancellationToken).ConfigureAwait(false);
                        if (created.Count == 1)
                        {
                            return created[0];
                        }
                    }

                    await using var existing = database.Command(connection, transaction, $"SELECT {CommandRows.Columns} FROM commands WHERE idempotency_key = @key")
                        .With("key", request.IdempotencyKey);
                    var found = await CommandRows.ReadAllAsync(database, existing, cancellationToken).ConfigureAwait(false);
                    return found.Count == 1 ? found[0] : throw new InvalidOperationException("A command with this idempotency key was neither stored nor found.");
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (DbException e) when (database.Classify(e).Kind == ConstraintKind.ForeignKey)
        {
            throw new KeyNotFoundException($"No meter {request.Meter}.", e);
        }
    }

    public Task<CommandRecord?> GetAsync(CommandId id, CancellationToken cancellationToken = default) =>
        database.ReadAsync(
            async connection =>
            {
                await using var command = database.Command(connection, null, $"SELECT {CommandRows.Columns} FROM commands WHERE id = @id").With("id", id.Value);
                var found = await CommandRows.ReadAllAsync(database, command, cancellationToken).ConfigureAwait(false);
                return found.Count == 0 ? null : found[0];
            },
            cancellationToken);

    public Task<bool> TransitionAsync(CommandId id, CommandState expected, CommandState next, DateTimeOffset at, string? result = null, CancellationToken cancellationToken = default) =>
        TransitionAsync(id, expected, next, at, result, [], cancellationToken);

    public async Task<bool> TransitionAsync(CommandId id, CommandState expected, CommandState next, DateTimeOffset at, string? result, IReadOnlyList<OutboxEntry> outbox, CancellationToken cancellationToken = default)
    {
        OutboxRows.Validate(outbox);
        if (!IsAllowed(expected, next))
        {
            throw new ArgumentException($"A command does not go from {expected} to {next}.", nameof(next));
        }

        if (result is { Length: > CommandRecord.MaxParametersLength })
        {
            throw new ArgumentException($"A command's result is at most {CommandRecord.MaxParametersLength} characters.", nameof(result));
        }

        var final = next is CommandState.Confirmed or CommandState.Failed or CommandState.TimedOut or CommandState.Cancelled;
        var changed = await database.WriteAsync(
            async (connection, transaction) =>
            {
                await using var command = database.Command(
                    connection,
                    transaction,
                    "UPDATE commands SET state = @next" +
                    (next == CommandState.Sent ? ", sent_at = @at" : string.Empty) +
                    (final ? ", completed_at = @at" : string.Empty) +
                    (result is null ? string.Empty : ", result = @result") +
                    " WHERE id = @id AND state = @expected");
                command.With("next", (int)next).With("at", database.TimeOf(at)).With("id", id.Value).With("expected", (int)expected);
                if (result is not null)
                {
                    command.With("result", result);
                }

                var rows = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                if (rows == 1)
                {
                    await OutboxRows.InsertAsync(database, connection, transaction, outbox, cancellationToken).ConfigureAwait(false);
                }

                return rows;
            },
            cancellationToken).ConfigureAwait(false);
        return changed == 1;
    }

    public async Task<bool> MarkSentAsync(CommandId id, string node, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(node) || node.Length > MaxTextLength)
        {
            throw new ArgumentException($"A node name is 1 to {MaxTextLength} characters.", nameof(node));
        }

        try
        {
            var changed = await database.WriteAsync(
                async (connection, transaction) =>
                {
                    // The partial unique index commands_one_sent_per_meter refuses a second Sent command of one meter.
                    await using var command = database.Command(
                        connection,
                        transaction,
                        "UPDATE commands SET state = @sent, sent_at = @at, sent_by = @node WHERE id = @id AND state = @requested");
                    command.With("sent", (int)CommandState.Sent).With("at", database.TimeOf(at)).With("node", node)
                        .With("id", id.Value).With("requested", (int)CommandState.Requested);
                    return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                },
                cancellationToken).ConfigureAwait(false);
            return changed == 1;
        }
        catch (DbException e) when (database.Classify(e).Kind == ConstraintKind.Unique)
        {
            return false;
        }
    }

    public Task<IReadOnlyList<CommandRecord>> GetSentToResolveAsync(string? node, DateTimeOffset orphanedBefore, int limit, CancellationToken cancellationToken = default)
    {
        CheckLimit(limit);
        var mine = node is null ? string.Empty : "sent_by = @node OR sent_by IS NULL OR ";
        return database.ReadAsync<IReadOnlyList<CommandRecord>>(
            async connection =>
            {
                await using var command = database.Command(
                    connection,
                    null,
                    $"SELECT {CommandRows.Columns} FROM commands WHERE state = @sent AND ({mine}deadline < @orphaned) ORDER BY id LIMIT @limit")
                    .With("sent", (int)CommandState.Sent).With("orphaned", database.TimeOf(orphanedBefore)).With("limit", limit);
                if (node is not null)
                {
                    command.With("node", node);
                }

                return await CommandRows.ReadAllAsync(database, command, cancellationToken).ConfigureAwait(false);
            },
            cancellationToken);
    }

    public Task<IReadOnlyList<CommandRecord>> GetByStateAsync(IReadOnlyCollection<CommandState> states, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(states);
        CheckLimit(limit);
        var distinct = states.Distinct().ToList();
        if (distinct.Count == 0)
        {
            return Task.FromResult<IReadOnlyList<CommandRecord>>([]);
        }

        return database.ReadAsync<IReadOnlyList<CommandRecord>>(
            async connection =>
            {
                var names = string.Join(", ", distinct.Select((_, i) => "@s" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
                await using var command = database.Command(connection, null, $"SELECT {CommandRows.Columns} FROM commands WHERE state IN ({names}) ORDER BY id LIMIT @limit")
                    .With("limit", limit);
                for (var i = 0; i < distinct.Count; i++)
                {
                    command.With("s" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), (int)distinct[i]);
                }

                return await CommandRows.ReadAllAsync(database, command, cancellationToken).ConfigureAwait(false);
            },
            cancellationToken);
    }

    public Task<IReadOnlyList<CommandRecord>> GetForMeterAsync(MeterId meter, int limit, CancellationToken cancellationToken = default)
    {
        CheckLimit(limit);
        return database.ReadAsync<IReadOnlyList<CommandRecord>>(
            async connection =>
            {
                await using var command = database.Command(connection, null, $"SELECT {CommandRows.Columns} FROM commands WHERE meter = @meter ORDER BY id DESC LIMIT @limit")
                    .With("meter", meter.Value).With("limit", limit);
                return await CommandRows.ReadAllAsync(database, command, cancellationToken).ConfigureAwait(false);
            },
            cancellationToken);
    }

    public Task<IReadOnlyList<CommandRecord>> ListAsync(MeterId? meter, CommandState? state, CommandId? before, int limit, CancellationToken cancellationToken = default)
    {
        CheckLimit(limit);
        var conditions = new List<string>(3);
        if (meter is not null)
        {
            conditions.Add("meter = @meter");
        }

        if (state is not null)
        {
            conditions.Add("state = @state");
        }

        if (before is not null)
        {
            conditions.Add("id < @before");
        }

        var where = conditions.Count == 0 ? string.Empty : "WHERE " + string.Join(" AND ", conditions) + " ";
        return database.ReadAsync<IReadOnlyList<CommandRecord>>(
            async connection =>
            {
                await using var command = database.Command(connection, null, $"SELECT {CommandRows.Columns} FROM commands {where}ORDER BY id DESC LIMIT @limit")
                    .With("limit", limit);
                if (meter is { } m)
                {
                    command.With("meter", m.Value);
                }

                if (state is { } s)
                {
                    command.With("state", (int)s);
                }

                if (before is { } b)
                {
                    command.With("before", b.Value);
                }

                return await CommandRows.ReadAllAsync(database, command, cancellationToken).ConfigureAwait(false);
            },
            cancellationToken);
    }

    /// <summary>Requested → Sent, Failed, TimedOut or Cancelled; Sent → Confirmed, Failed or TimedOut; nothing leaves a final state.</summary>
    internal static bool IsAllowed(CommandState from, CommandState to) => (from, to) switch
    {
        (CommandState.Requested, CommandState.Sent or CommandState.Failed or CommandState.TimedOut or CommandState.Cancelled) => true,
        (CommandState.Sent, CommandState.Confirmed or CommandState.Failed or CommandState.TimedOut) => true,
        _ => false,
    };

    private static void CheckLimit(int limit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, MaxLimit);
    }

    private static void Validate(CommandRequest request)
    {
        if (!Enum.IsDefined(request.Kind))
        {
            throw new ArgumentOutOfRangeException(nameof(request), request.Kind, "Not a command kind.");
        }

        ArgumentNullException.ThrowIfNull(request.Parameters, nameof(request));
        if (request.Parameters.Length > CommandRecord.MaxParametersLength)
        {
            throw new ArgumentException($"A command's parameters are at most {CommandRecord.MaxParametersLength} characters.", nameof(request));
        }

        if (string.IsNullOrWhiteSpace(request.RequestedBy) || request.RequestedBy.Length > MaxTextLength)
        {
            throw new ArgumentException($"A command's requester is 1 to {MaxTextLength} characters.", nameof(request));
        }

        if (request.IdempotencyKey is { } key && (key.Length == 0 || key.Length > MaxTextLength))
        {
            throw new ArgumentException($"An idempotency key is 1 to {MaxTextLength} characters.", nameof(request));
        }
    }
}
