using System.Data.Common;
using Meterline.HeadEnd.Analytics;
using Meterline.HeadEnd.Outages;

namespace Meterline.Storage.Sql;

/// <summary>Outages on either engine: one row per outage, its affected meters as JSON, replaced whole on update.</summary>
internal sealed class SqlOutageStore(SqlDatabase database) : IOutageStore
{
    public const int MaxLimit = 10_000;

    private const string Columns = "id, scope, scope_id, feeder_id, state, started_at, restored_at, detected_at, alert_id, meters";

    public async Task<Outage> AddAsync(Outage outage, CancellationToken cancellationToken = default)
    {
        Validate(outage);
        return await database.WriteAsync(
            async (connection, transaction) =>
            {
                await using var insert = database.Command(
                    connection,
                    transaction,
                    "INSERT INTO outages (scope, scope_id, feeder_id, state, started_at, restored_at, detected_at, consumers, alert_id, meters) " +
                    $"VALUES (@scope, @scope_id, @feeder_id, @state, @started_at, @restored_at, @detected_at, @consumers, @alert_id, @meters) RETURNING {Columns}");
                Bind(insert, outage);
                return (await ReadAllAsync(insert, cancellationToken).ConfigureAwait(false))[0];
            },
            cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> UpdateAsync(Outage outage, CancellationToken cancellationToken = default)
    {
        Validate(outage);
        var updated = await database.WriteAsync(
            async (connection, transaction) =>
            {
                await using var update = database.Command(
                    connection,
                    transaction,
                    "UPDATE outages SET scope = @scope, scope_id = @scope_id, feeder_id = @feeder_id, state = @state, started_at = @started_at, restored_at = @restored_at, " +
                    "detected_at = @detected_at, consumers = @consumers, alert_id = @alert_id, meters = @meters WHERE id = @id");
                Bind(update, outage);
                update.With("id", outage.Id.Value);
                return await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            },
            cancellationToken).ConfigureAwait(false);
        return updated == 1;
    }

    public async Task<Outage?> GetAsync(OutageId id, CancellationToken cancellationToken = default)
    {
        var found = await QueryAsync($"SELECT {Columns} FROM outages WHERE id = @id", c => c.With("id", id.Value), cancellationToken).ConfigureAwait(false);
        return found.Count == 0 ? null : found[0];
    }

    public Task<IReadOnlyList<Outage>> ListAsync(OutageFilter filter, OutageId? before, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        CheckLimit(limit);
        var conditions = new List<string>(3);
        if (filter.State is not null)
        {
            conditions.Add("state = @state");
        }

        if (filter.FeederId is not null)
        {
            conditions.Add("feeder_id = @feeder");
        }

        if (before is not null)
        {
            conditions.Add("id < @before");
        }

        var where = conditions.Count == 0 ? string.Empty : "WHERE " + string.Join(" AND ", conditions) + " ";
        return QueryAsync(
            $"SELECT {Columns} FROM outages {where}ORDER BY id DESC LIMIT @limit",
            c =>
            {
                c.With("limit", limit);
                if (filter.State is { } state)
                {
                    c.With("state", (int)state);
                }

                if (filter.FeederId is { } feeder)
                {
                    c.With("feeder", feeder);
                }

                if (before is { } last)
                {
                    c.With("before", last.Value);
                }
            },
            cancellationToken);
    }

    public Task<IReadOnlyList<Outage>> ListOverlappingAsync(string feederId, DateTimeOffset from, DateTimeOffset to, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(feederId);
        CheckLimit(limit);
        return QueryAsync(
            $"SELECT {Columns} FROM outages WHERE feeder_id = @feeder AND started_at < @to AND (restored_at IS NULL OR restored_at >= @from) ORDER BY started_at, id LIMIT @limit",
            c => c.With("feeder", feederId).With("from", database.BoundOf(from)).With("to", database.BoundOf(to)).With("limit", limit),
            cancellationToken);
    }

    private static void CheckLimit(int limit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, MaxLimit);
    }

    private static void Validate(Outage outage)
    {
        ArgumentNullException.ThrowIfNull(outage);
        if (outage.Meters.Count is 0 or > Outage.MaxMeters || outage.ScopeId.Length is 0 or > Outage.MaxScopeIdLength || outage.FeederId is { Length: 0 or > Outage.MaxScopeIdLength })
        {
            throw new ArgumentException($"An outage has 1 to {Outage.MaxMeters} meters and ids of 1 to {Outage.MaxScopeIdLength} characters.", nameof(outage));
        }

        if ((outage.State == OutageState.Restored) != (outage.RestoredAt is not null))
        {
            throw new ArgumentException("A restored outage has its restoration time, an open one none.", nameof(outage));
        }
    }

    private void Bind(DbCommand command, Outage outage) =>
        command.With("scope", (int)outage.Scope).With("scope_id", outage.ScopeId).With("feeder_id", outage.FeederId).With("state", (int)outage.State)
            .With("started_at", database.TimeOf(outage.StartedAt)).With("restored_at", database.TimeOrNull(outage.RestoredAt)).With("detected_at", database.TimeOf(outage.DetectedAt))
            .With("consumers", outage.ConsumersAffected).With("alert_id", outage.Alert?.Value).With("meters", AffectedMetersJson.Write(outage.Meters));

    private Task<IReadOnlyList<Outage>> QueryAsync(string sql, Action<DbCommand> parameters, CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<Outage>>(
            async connection =>
            {
                await using var command = database.Command(connection, null, sql);
                parameters(command);
                return await ReadAllAsync(command, cancellationToken).ConfigureAwait(false);
            },
            cancellationToken);

    private async Task<List<Outage>> ReadAllAsync(DbCommand command, CancellationToken cancellationToken)
    {
        var list = new List<Outage>();
        await using var r = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            list.Add(new Outage(
                new OutageId(r.GetInt64(0)),
                (OutageScope)r.GetInt32(1),
                r.GetString(2),
                r.IsDBNull(3) ? null : r.GetString(3),
                (OutageState)r.GetInt32(4),
                database.ReadTime(r, 5),
                database.ReadTimeOrNull(r, 6),
                database.ReadTime(r, 7),
                AffectedMetersJson.Read(r.GetString(9)),
                r.IsDBNull(8) ? null : new AlertId(r.GetInt64(8))));
        }

        return list;
    }
}
