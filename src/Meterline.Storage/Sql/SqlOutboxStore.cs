using System.Globalization;
using System.Text;
using Meterline.HeadEnd.Northbound;

namespace Meterline.Storage.Sql;

/// <summary>The outbox table, the same SQL on both engines (the writes inside other transactions go through <see cref="OutboxRows"/>).</summary>
internal sealed class SqlOutboxStore(SqlDatabase database) : IOutboxStore
{
    public const int MaxRead = 10_000;

    private const int DeletesPerStatement = 500;

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
                await using var command = database.Command(connection, null, "SELECT sequence, message_id, type, routing_key, created_at, body FROM outbox ORDER BY sequence LIMIT @limit")
                    .With("limit", limit);
                var rows = new List<OutboxMessage>();
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    rows.Add(new OutboxMessage(reader.GetInt64(0), new OutboxEntry(reader.GetString(1), reader.GetString(2), reader.GetString(3), database.ReadTime(reader, 4), reader.GetString(5))));
                }

                return rows;
            },
            cancellationToken);
    }

    public async Task<int> DeleteAsync(IReadOnlyCollection<long> sequences, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        if (sequences.Count == 0)
        {
            return 0;
        }

        var all = sequences.Distinct().Order().ToList();
        return await database.WriteAsync(
            async (connection, transaction) =>
            {
                var deleted = 0;
                for (var start = 0; start < all.Count; start += DeletesPerStatement)
                {
                    var count = Math.Min(DeletesPerStatement, all.Count - start);
                    await using var command = database.Command(connection, transaction, string.Empty);
                    var sql = new StringBuilder("DELETE FROM outbox WHERE sequence IN (");
                    for (var i = 0; i < count; i++)
                    {
                        var name = "s" + i.ToString(CultureInfo.InvariantCulture);
                        sql.Append(i == 0 ? "@" : ", @").Append(name);
                        command.With(name, all[start + i]);
                    }

                    command.CommandText = sql.Append(')').ToString();
                    deleted += await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                return deleted;
            },
            cancellationToken).ConfigureAwait(false);
    }

    public Task<long> CountAsync(CancellationToken cancellationToken = default) =>
        database.ReadAsync(
            async connection =>
            {
                await using var command = database.Command(connection, null, "SELECT count(*) FROM outbox");
                return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
            },
            cancellationToken);
}
