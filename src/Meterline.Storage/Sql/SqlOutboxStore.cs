using System.Data.Common;
using System.Globalization;
using System.Text;
using Meterline.HeadEnd.Northbound;

namespace Meterline.Storage.Sql;

/// <summary>The outbox table, the same SQL on both engines but for the claim's row locks (the writes inside other transactions go through <see cref="OutboxRows"/>).</summary>
internal sealed class SqlOutboxStore(SqlDatabase database) : IOutboxStore
{
    public const int MaxRead = 10_000;

    private const int PerStatement = 500;

    private const string Columns = "sequence, message_id, type, routing_key, created_at, body, attempts";

    public async Task AppendAsync(IReadOnlyList<OutboxEntry> entries, CancellationToken cancellationToken = default)
    {
        OutboxRows.Validate(entries);
        if (entries.Count == 0)
        {
            return;
        }

        await database.WriteAsync(
            async (connection, transaction) =>
            {
                await OutboxRows.InsertAsync(database, connection, transaction, entries, cancellationToken).ConfigureAwait(false);
                return 0;
            },
            cancellationToken).ConfigureAwait(false);
    }

    public Task<IReadOnlyList<OutboxMessage>> ReadAsync(int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, MaxRead);
        return database.ReadAsync<IReadOnlyList<OutboxMessage>>(
            async connection =>
            {
                await using var command = database.Command(connection, null, $"SELECT {Columns} FROM outbox ORDER BY sequence LIMIT @limit").With("limit", limit);
                return await ReadRowsAsync(command, cancellationToken).ConfigureAwait(false);
            },
            cancellationToken);
    }

    public Task<IReadOnlyList<OutboxMessage>> ClaimAsync(int limit, DateTimeOffset now, DateTimeOffset until, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, MaxRead);
        ArgumentOutOfRangeException.ThrowIfLessThan(until, now);
        // PostgreSQL: the rows are locked by the inner SELECT and those another relay is claiming right now are skipped,
        // so concurrent claims never overlap. SQLite has one writer, which serialises the claims on its own.
        var skipLocked = database.Engine == StorageEngine.PostgreSql ? " FOR UPDATE SKIP LOCKED" : string.Empty;
        return database.WriteAsync<IReadOnlyList<OutboxMessage>>(
            async (connection, transaction) =>
            {
                await using var command = database.Command(
                        connection,
                        transaction,
                        "UPDATE outbox SET claimed_until = @until WHERE sequence IN (SELECT sequence FROM outbox WHERE claimed_until IS NULL OR claimed_until <= @now " +
                        $"ORDER BY sequence LIMIT @limit{skipLocked}) RETURNING {Columns}")
                    .With("until", database.TimeOf(until)).With("now", database.TimeOf(now)).With("limit", limit);
                var rows = await ReadRowsAsync(command, cancellationToken).ConfigureAwait(false);
                // RETURNING gives no order.
                rows.Sort((a, b) => a.Sequence.CompareTo(b.Sequence));
                return rows;
            },
            cancellationToken);
    }

    public async Task ReleaseAsync(IReadOnlyCollection<long> sequences, DateTimeOffset notBefore, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        if (sequences.Count > 0)
        {
            await ForEachChunkAsync("UPDATE outbox SET claimed_until = @notBefore, attempts = attempts + 1 WHERE sequence IN (", sequences, c => c.With("notBefore", database.TimeOf(notBefore)), cancellationToken)
                .ConfigureAwait(false);
        }
    }

    public Task<int> DeleteAsync(IReadOnlyCollection<long> sequences, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        return sequences.Count == 0 ? Task.FromResult(0) : ForEachChunkAsync("DELETE FROM outbox WHERE sequence IN (", sequences, null, cancellationToken);
    }

    public Task<long> CountAsync(CancellationToken cancellationToken = default) =>
        database.ReadAsync(
            async connection =>
            {
                await using var command = database.Command(connection, null, "SELECT count(*) FROM outbox");
                return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
            },
            cancellationToken);

    public Task<long> CountAsync(long limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        return database.ReadAsync(
            async connection =>
            {
                // The inner LIMIT stops the scan after limit rows, however large the outbox is.
                await using var command = database.Command(connection, null, "SELECT count(*) FROM (SELECT 1 FROM outbox LIMIT @limit) AS head").With("limit", limit);
                return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
            },
            cancellationToken);
    }

    private async Task<List<OutboxMessage>> ReadRowsAsync(DbCommand command, CancellationToken cancellationToken)
    {
        var rows = new List<OutboxMessage>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(new OutboxMessage(
                reader.GetInt64(0),
                new OutboxEntry(reader.GetString(1), reader.GetString(2), reader.GetString(3), database.ReadTime(reader, 4), reader.GetString(5)),
                reader.GetInt32(6)));
        }

        return rows;
    }

    /// <summary>Runs <c>{prefix}@s0, @s1, …)</c> over the sequences in chunks, in one transaction; returns the rows affected.</summary>
    private Task<int> ForEachChunkAsync(string prefix, IReadOnlyCollection<long> sequences, Action<DbCommand>? bind, CancellationToken cancellationToken)
    {
        var all = sequences.Distinct().Order().ToList();
        return database.WriteAsync(
            async (connection, transaction) =>
            {
                var affected = 0;
                for (var start = 0; start < all.Count; start += PerStatement)
                {
                    var count = Math.Min(PerStatement, all.Count - start);
                    await using var command = database.Command(connection, transaction, string.Empty);
                    bind?.Invoke(command);
                    var sql = new StringBuilder(prefix);
                    for (var i = 0; i < count; i++)
                    {
                        var name = "s" + i.ToString(CultureInfo.InvariantCulture);
                        sql.Append(i == 0 ? "@" : ", @").Append(name);
                        command.With(name, all[start + i]);
                    }

                    command.CommandText = sql.Append(')').ToString();
                    affected += await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                return affected;
            },
            cancellationToken);
    }
}
