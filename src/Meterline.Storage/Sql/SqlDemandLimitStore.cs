using System.Data.Common;
using System.Globalization;
using Meterline.HeadEnd.Commands;
using Meterline.HeadEnd.DemandControl;
using Meterline.HeadEnd.Meters;

namespace Meterline.Storage.Sql;

/// <summary>Group load limits on either engine: a limit row and one row per member, its command's state joined in.</summary>
internal sealed class SqlDemandLimitStore(SqlDatabase database) : IDemandLimitStore
{
    public const int MaxLimit = 10_000;
    public const int MaxMembers = 100_000;
    public const int MaxTextLength = 4_096;

    public const int MaxListLimit = 1_000;

    private const string Columns = "id, target_kind, target, parameters, actor, requested_at, not_before, members, cancelled_at, cancelled_by, cancel_reason";

    public async Task<DemandLimit> CreateAsync(DemandLimitDraft draft, IReadOnlyCollection<MeterId> members, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(draft);
        ArgumentNullException.ThrowIfNull(members);
        var distinct = members.Distinct().Order().ToList();
        if (distinct.Count is 0 or > MaxMembers || draft.Target.Length > MaxTextLength || draft.Actor.Length > MaxTextLength)
        {
            throw new ArgumentException($"A group load limit has 1 to {MaxMembers} members and texts of at most {MaxTextLength} characters.", nameof(members));
        }

        try
        {
            return await database.WriteAsync(
                async (connection, transaction) =>
                {
                    DemandLimit limit;
                    await using (var insert = database.Command(
                        connection,
                        transaction,
                        "INSERT INTO demand_limits (target_kind, target, parameters, actor, requested_at, not_before, members) " +
                        $"VALUES (@kind, @target, @parameters, @actor, @requested_at, @not_before, @members) RETURNING {Columns}")
                        .With("kind", (int)draft.TargetKind).With("target", draft.Target).With("parameters", draft.Parameters).With("actor", draft.Actor)
                        .With("requested_at", database.TimeOf(draft.RequestedAt)).With("not_before", database.TimeOrNull(draft.NotBefore)).With("members", distinct.Count))
                    {
                        await using var reader = await insert.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                        limit = Read(reader);
                    }

                    await using var member = database.Command(connection, transaction, "INSERT INTO demand_limit_members (demand_limit, meter) VALUES (@limit, @meter)")
                        .With("limit", limit.Id.Value);
                    var meter = member.Parameter("meter");
                    foreach (var id in distinct)
                    {
                        meter.Value = id.Value;
                        await member.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    }

                    return limit;
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (DbException e) when (database.Classify(e).Kind == ConstraintKind.ForeignKey)
        {
            throw new KeyNotFoundException("A member is not a registered meter.", e);
        }
    }

    public Task<DemandLimit?> GetAsync(DemandLimitId id, CancellationToken cancellationToken = default) =>
        database.ReadAsync(
            async connection =>
            {
                await using var command = database.Command(connection, null, $"SELECT {Columns} FROM demand_limits WHERE id = @id").With("id", id.Value);
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? Read(reader) : null;
            },
            cancellationToken);

    public Task<IReadOnlyList<DemandLimit>> ListAsync(DemandLimitId? before, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, MaxListLimit);
        return database.ReadAsync<IReadOnlyList<DemandLimit>>(
            async connection =>
            {
                await using var command = database.Command(
                    connection,
                    null,
                    $"SELECT {Columns} FROM demand_limits WHERE id < @before ORDER BY id DESC LIMIT @limit")
                    .With("before", before?.Value ?? long.MaxValue).With("limit", limit);
                var limits = new List<DemandLimit>();
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    limits.Add(Read(reader));
                }

                return limits;
            },
            cancellationToken);
    }

    public Task<int?> CancelAsync(DemandLimitId id, string actor, string reason, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(reason);
        if (actor.Length > MaxTextLength || reason.Length > MaxTextLength)
        {
            throw new ArgumentException($"The actor and the reason are at most {MaxTextLength} characters.", nameof(reason));
        }

        return database.WriteAsync<int?>(
            async (connection, transaction) =>
            {
                await using (var mark = database.Command(
                    connection,
                    transaction,
                    "UPDATE demand_limits SET cancelled_at = @at, cancelled_by = @actor, cancel_reason = @reason WHERE id = @id AND cancelled_at IS NULL")
                    .With("at", database.TimeOf(at)).With("actor", actor).With("reason", reason).With("id", id.Value))
                {
                    if (await mark.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
                    {
                        return null;
                    }
                }

                await using var withdraw = database.Command(
                    connection,
                    transaction,
                    "UPDATE demand_limit_members SET rejection = @withdrawn WHERE demand_limit = @id AND command IS NULL AND rejection IS NULL")
                    .With("withdrawn", DemandLimitMember.Withdrawn).With("id", id.Value);
                return await withdraw.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            },
            cancellationToken);
    }

    public Task<IReadOnlyList<DemandLimitMember>> GetMembersAsync(DemandLimitId id, CancellationToken cancellationToken = default) =>
        database.ReadAsync<IReadOnlyList<DemandLimitMember>>(
            async connection =>
            {
                await using var command = database.Command(
                    connection,
                    null,
                    "SELECT m.meter, m.command, c.state, c.result, m.rejection FROM demand_limit_members m " +
                    "LEFT JOIN commands c ON c.id = m.command WHERE m.demand_limit = @id ORDER BY m.meter LIMIT @max")
                    .With("id", id.Value).With("max", MaxMembers);
                var members = new List<DemandLimitMember>();
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    members.Add(new DemandLimitMember(
                        new MeterId(Convert.ToInt32(reader.GetValue(0), CultureInfo.InvariantCulture)),
                        reader.IsDBNull(1) ? null : new CommandId(reader.GetInt64(1)),
                        reader.IsDBNull(2) ? null : (CommandState)Convert.ToInt32(reader.GetValue(2), CultureInfo.InvariantCulture),
                        reader.IsDBNull(3) ? null : reader.GetString(3),
                        reader.IsDBNull(4) ? null : reader.GetString(4)));
                }

                return members;
            },
            cancellationToken);

    public Task<IReadOnlyList<DemandLimitPendingMember>> GetPendingAsync(int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, MaxLimit);
        return database.ReadAsync<IReadOnlyList<DemandLimitPendingMember>>(
            async connection =>
            {
                await using var command = database.Command(
                    connection,
                    null,
                    "SELECT demand_limit, meter FROM demand_limit_members WHERE command IS NULL AND rejection IS NULL " +
                    "ORDER BY demand_limit, meter LIMIT @limit")
                    .With("limit", limit);
                var pending = new List<DemandLimitPendingMember>();
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    pending.Add(new DemandLimitPendingMember(new DemandLimitId(reader.GetInt64(0)), new MeterId(Convert.ToInt32(reader.GetValue(1), CultureInfo.InvariantCulture))));
                }

                return pending;
            },
            cancellationToken);
    }

    public async Task<bool> SetCommandAsync(DemandLimitPendingMember member, CommandId command, CancellationToken cancellationToken = default) =>
        await UpdateAsync(member, "command = @value", command.Value, cancellationToken).ConfigureAwait(false) > 0;

    public Task SetRejectedAsync(DemandLimitPendingMember member, string reason, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reason);
        return UpdateAsync(member, "rejection = @value", reason.Length > MaxTextLength ? reason[..MaxTextLength] : reason, cancellationToken);
    }

    /// <summary>Settles a member still waiting (neither a command nor a rejection: a cancellation may have withdrawn it meanwhile).</summary>
    private Task<int> UpdateAsync(DemandLimitPendingMember member, string set, object value, CancellationToken cancellationToken) =>
        database.WriteAsync(
            async (connection, transaction) =>
            {
                await using var update = database.Command(
                    connection,
                    transaction,
                    $"UPDATE demand_limit_members SET {set} WHERE demand_limit = @limit AND meter = @meter AND command IS NULL AND rejection IS NULL")
                    .With("value", value).With("limit", member.Limit.Value).With("meter", member.Meter.Value);
                return await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            },
            cancellationToken);

    private DemandLimit Read(DbDataReader reader) => new(
        new DemandLimitId(reader.GetInt64(0)),
        (DemandLimitTargetKind)Convert.ToInt32(reader.GetValue(1), CultureInfo.InvariantCulture),
        reader.GetString(2),
        reader.GetString(3),
        reader.GetString(4),
        database.ReadTime(reader, 5),
        database.ReadTimeOrNull(reader, 6),
        Convert.ToInt32(reader.GetValue(7), CultureInfo.InvariantCulture),
        database.ReadTimeOrNull(reader, 8),
        reader.IsDBNull(9) ? null : reader.GetString(9),
        reader.IsDBNull(10) ? null : reader.GetString(10));
}
