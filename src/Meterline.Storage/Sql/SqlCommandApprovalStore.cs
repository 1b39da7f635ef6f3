using System.Data.Common;
using System.Globalization;
using Meterline.HeadEnd.Commands;
using Meterline.HeadEnd.Commands.Approvals;
using Meterline.HeadEnd.Meters;

namespace Meterline.Storage.Sql;

/// <summary>Bulk requests waiting for approval on either engine: one row each, its meters as comma-separated ids.</summary>
internal sealed class SqlCommandApprovalStore(SqlDatabase database) : ICommandApprovalStore
{
    public const int MaxLimit = 10_000;
    public const int MaxMeters = 100_000;
    public const int MaxTextLength = 4_096;

    private const string Columns = "id, kind, meters, requested_by, requested_at, expires_at, state, note, decided_by, decided_at, decision_note, created, refused";

    public Task<CommandApproval> CreateAsync(CommandApprovalDraft draft, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(draft);
        var meters = draft.Meters.Distinct().Order().ToList();
        if (meters.Count is 0 or > MaxMeters || draft.RequestedBy.Length > MaxTextLength || draft.Note?.Length > MaxTextLength)
        {
            throw new ArgumentException($"A bulk request has 1 to {MaxMeters} meters and texts of at most {MaxTextLength} characters.", nameof(draft));
        }

        return database.WriteAsync(
            async (connection, transaction) =>
            {
                await using var insert = database.Command(
                    connection,
                    transaction,
                    "INSERT INTO command_approvals (kind, meters, meter_count, requested_by, requested_at, expires_at, state, note) " +
                    $"VALUES (@kind, @meters, @count, @by, @at, @expires, @state, @note) RETURNING {Columns}")
                    .With("kind", (int)draft.Kind).With("meters", string.Join(',', meters.Select(m => m.Value.ToString(CultureInfo.InvariantCulture))))
                    .With("count", meters.Count).With("by", draft.RequestedBy).With("at", database.TimeOf(draft.RequestedAt))
                    .With("expires", database.TimeOf(draft.ExpiresAt)).With("state", (int)ApprovalState.Pending).With("note", draft.Note);
                await using var reader = await insert.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                return Read(reader);
            },
            cancellationToken);
    }

    public Task<CommandApproval?> GetAsync(ApprovalId id, CancellationToken cancellationToken = default) =>
        database.ReadAsync(
            async connection =>
            {
                await using var command = database.Command(connection, null, $"SELECT {Columns} FROM command_approvals WHERE id = @id").With("id", id.Value);
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? Read(reader) : null;
            },
            cancellationToken);

    public Task<bool> DecideAsync(ApprovalId id, ApprovalState expected, ApprovalState next, string decidedBy, DateTimeOffset at, string? note, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(decidedBy);
        if (decidedBy.Length > MaxTextLength || note?.Length > MaxTextLength)
        {
            throw new ArgumentException($"Texts are at most {MaxTextLength} characters.", nameof(note));
        }

        return UpdateAsync(
            "UPDATE command_approvals SET state = @next, decided_by = @by, decided_at = @at, decision_note = @note WHERE id = @id AND state = @expected",
            command => command.With("next", (int)next).With("by", decidedBy).With("at", database.TimeOf(at)).With("note", note).With("id", id.Value).With("expected", (int)expected),
            cancellationToken);
    }

    public Task<bool> CompleteAsync(ApprovalId id, int created, int refused, CancellationToken cancellationToken = default) =>
        UpdateAsync(
            "UPDATE command_approvals SET state = @next, created = @created, refused = @refused WHERE id = @id AND state = @expected",
            command => command.With("next", (int)ApprovalState.Completed).With("created", created).With("refused", refused).With("id", id.Value).With("expected", (int)ApprovalState.Approved),
            cancellationToken);

    public Task<IReadOnlyList<CommandApproval>> ListAsync(ApprovalState? state, ApprovalId? before, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, MaxLimit);
        var where = new List<string>();
        if (state is not null)
        {
            where.Add("state = @state");
        }

        if (before is not null)
        {
            where.Add("id < @before");
        }

        var sql = $"SELECT {Columns} FROM command_approvals" + (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : string.Empty) + " ORDER BY id DESC LIMIT @limit";
        return QueryAsync(sql, command =>
        {
            command.With("limit", limit);
            if (state is { } s)
            {
                command.With("state", (int)s);
            }

            if (before is { } b)
            {
                command.With("before", b.Value);
            }
        }, cancellationToken);
    }

    public Task<IReadOnlyList<CommandApproval>> GetByStateAsync(ApprovalState state, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, MaxLimit);
        return QueryAsync($"SELECT {Columns} FROM command_approvals WHERE state = @state ORDER BY id LIMIT @limit",
            command => command.With("state", (int)state).With("limit", limit), cancellationToken);
    }

    private Task<IReadOnlyList<CommandApproval>> QueryAsync(string sql, Action<DbCommand> bind, CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<CommandApproval>>(
            async connection =>
            {
                await using var command = database.Command(connection, null, sql);
                bind(command);
                var approvals = new List<CommandApproval>();
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    approvals.Add(Read(reader));
                }

                return approvals;
            },
            cancellationToken);

    private async Task<bool> UpdateAsync(string sql, Action<DbCommand> bind, CancellationToken cancellationToken) =>
        await database.WriteAsync(
            async (connection, transaction) =>
            {
                await using var update = database.Command(connection, transaction, sql);
                bind(update);
                return await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            },
            cancellationToken).ConfigureAwait(false) == 1;

    private CommandApproval Read(DbDataReader reader) => new(
        new ApprovalId(reader.GetInt64(0)),
        (CommandKind)Convert.ToInt32(reader.GetValue(1), CultureInfo.InvariantCulture),
        [.. reader.GetString(2).Split(',', StringSplitOptions.RemoveEmptyEntries).Select(id => new MeterId(int.Parse(id, NumberStyles.None, CultureInfo.InvariantCulture)))],
        reader.GetString(3),
        database.ReadTime(reader, 4),
        database.ReadTime(reader, 5),
        (ApprovalState)Convert.ToInt32(reader.GetValue(6), CultureInfo.InvariantCulture),
        reader.IsDBNull(7) ? null : reader.GetString(7),
        reader.IsDBNull(8) ? null : reader.GetString(8),
        database.ReadTimeOrNull(reader, 9),
        reader.IsDBNull(10) ? null : reader.GetString(10),
        Convert.ToInt32(reader.GetValue(11), CultureInfo.InvariantCulture),
        Convert.ToInt32(reader.GetValue(12), CultureInfo.InvariantCulture));
}
