using System.Data.Common;
using System.Globalization;
using System.Text;
using Meterline.HeadEnd.Northbound;
using Meterline.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;

namespace Meterline.Storage.Sql;

/// <summary>
/// Inserts outbox entries inside a caller's transaction, each engine its cheapest way: SQLite through prepared
/// statements kept on the writer connection (<see cref="RowsPerInsert"/> rows each, the rest one by one), PostgreSQL
/// in one <c>INSERT … SELECT FROM unnest(arrays)</c> per batch (one round trip).
/// </summary>
internal static class OutboxRows
{
    public const int RowsPerInsert = 200;

    private static readonly string[] Statements = new string[RowsPerInsert + 1];

    public static void Validate(IReadOnlyList<OutboxEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        foreach (var entry in entries)
        {
            if (entry is null || string.IsNullOrEmpty(entry.MessageId) || string.IsNullOrEmpty(entry.Type) || string.IsNullOrEmpty(entry.RoutingKey) || entry.Body is null)
            {
                throw new ArgumentException("An outbox entry needs a message id, a type, a routing key and a body.", nameof(entries));
            }

            if (entry.MessageId.Length > OutboxEntry.MaxMessageIdLength || Encoding.UTF8.GetByteCount(entry.RoutingKey) > OutboxEntry.MaxRoutingKeyLength)
            {
                throw new ArgumentException("An outbox entry's message id or routing key is too long.", nameof(entries));
            }
        }
    }

    public static async Task InsertAsync(SqlDatabase database, DbConnection connection, DbTransaction transaction, IReadOnlyList<OutboxEntry> entries, CancellationToken cancellationToken)
    {
        if (entries.Count == 0)
        {
            return;
        }

        switch (database, connection, transaction)
        {
            case (SqliteDatabase sqlite, _, SqliteTransaction sqliteTransaction):
                InsertSqlite(sqlite, sqliteTransaction, entries, cancellationToken);
                return;
            case (_, NpgsqlConnection npgsql, _):
                await InsertPostgresAsync(npgsql, entries, cancellationToken).ConfigureAwait(false);
                return;
        }

        for (var start = 0; start < entries.Count; start += RowsPerInsert)
        {
            var count = Math.Min(RowsPerInsert, entries.Count - start);
            await using var command = database.Command(connection, transaction, Statement(count));
            for (var i = 0; i < count; i++)
            {
                var entry = entries[start + i];
                var n = i.ToString(CultureInfo.InvariantCulture);
                command.With("i" + n, entry.MessageId).With("y" + n, entry.Type).With("k" + n, entry.RoutingKey)
                    .With("c" + n, database.TimeOf(entry.CreatedAt)).With("b" + n, entry.Body);
            }

            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static readonly string[] SqliteParameters =
        [.. Enumerable.Range(0, RowsPerInsert).SelectMany(i => new[] { "@i", "@y", "@k", "@c", "@b" }.Select(p => p + i.ToString(CultureInfo.InvariantCulture)))];

    private static void InsertSqlite(SqliteDatabase sqlite, SqliteTransaction transaction, IReadOnlyList<OutboxEntry> entries, CancellationToken cancellationToken)
    {
        var next = 0;
        if (entries.Count >= RowsPerInsert)
        {
            var many = sqlite.Prepared(Statement(RowsPerInsert), transaction, SqliteParameters);
            for (; next + RowsPerInsert <= entries.Count; next += RowsPerInsert)
            {
                cancellationToken.ThrowIfCancellationRequested();
                for (var i = 0; i < RowsPerInsert; i++)
                {
                    Bind(many.Parameters, 5 * i, entries[next + i]);
                }

                many.ExecuteNonQuery();
            }
        }

        if (next < entries.Count)
        {
            var one = sqlite.Prepared(Statement(1), transaction, "@i0", "@y0", "@k0", "@c0", "@b0");
            for (; next < entries.Count; next++)
            {
                Bind(one.Parameters, 0, entries[next]);
                one.ExecuteNonQuery();
            }
        }
    }

    private static void Bind(SqliteParameterCollection parameters, int first, OutboxEntry entry)
    {
        parameters[first].Value = entry.MessageId;
        parameters[first + 1].Value = entry.Type;
        parameters[first + 2].Value = entry.RoutingKey;
        parameters[first + 3].Value = StorageTime.ToMicroseconds(entry.CreatedAt);
        parameters[first + 4].Value = entry.Body;
    }

    private static async Task InsertPostgresAsync(NpgsqlConnection connection, IReadOnlyList<OutboxEntry> entries, CancellationToken cancellationToken)
    {
        await using var insert = new NpgsqlCommand(
            "INSERT INTO outbox (message_id, type, routing_key, created_at, body) " +
            "SELECT i, y, k, c, b FROM unnest(@ids, @types, @keys, @created, @bodies) WITH ORDINALITY AS o (i, y, k, c, b, n) ORDER BY n",
            connection);
        insert.Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = entries.Select(e => e.MessageId).ToArray() });
        insert.Parameters.Add(new NpgsqlParameter("types", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = entries.Select(e => e.Type).ToArray() });
        insert.Parameters.Add(new NpgsqlParameter("keys", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = entries.Select(e => e.RoutingKey).ToArray() });
        insert.Parameters.Add(new NpgsqlParameter("created", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz)
        {
            Value = entries.Select(e => StorageTime.ToUtcDateTime(StorageTime.ToMicroseconds(e.CreatedAt))).ToArray(),
        });
        insert.Parameters.Add(new NpgsqlParameter("bodies", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = entries.Select(e => e.Body).ToArray() });
        await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static string Statement(int rows)
    {
        var cached = Volatile.Read(ref Statements[rows]);
        if (cached is not null)
        {
            return cached;
        }

        var sql = new StringBuilder("INSERT INTO outbox (message_id, type, routing_key, created_at, body) VALUES ");
        for (var i = 0; i < rows; i++)
        {
            sql.Append(i == 0 ? "(" : ", (").Append(CultureInfo.InvariantCulture, $"@i{i}, @y{i}, @k{i}, @c{i}, @b{i})");
        }

        var text = sql.ToString();
        Volatile.Write(ref Statements[rows], text);
        return text;
    }
}
