using System.Data.Common;
using System.Globalization;
using System.Text;
using Meterline.HeadEnd.Northbound;

namespace Meterline.Storage.Sql;

/// <summary>Inserts outbox entries inside a caller's transaction: one multi-row statement per <see cref="RowsPerInsert"/> entries.</summary>
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
