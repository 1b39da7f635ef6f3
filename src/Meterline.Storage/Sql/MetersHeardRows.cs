using System.Data.Common;
using System.Globalization;
using System.Text;
using Meterline.HeadEnd.Meters;

namespace Meterline.Storage.Sql;

/// <summary>
/// Marks meters heard (online, last heard at the latest time given; a meter's time only moves forward) inside a
/// transaction the caller holds: the meter registry's own write, and the ingest batch's transaction, which marks the
/// batch's meters with its readings (one commit instead of two). One statement per chunk of meters, in id order (two
/// writers updating the same meters lock them in the same order).
/// </summary>
internal static class MetersHeardRows
{
    /// <summary>Meters marked heard per statement (two parameters each; SQLite allows 32,766 and PostgreSQL 65,535 per statement).</summary>
    public const int PerStatement = 256;

    public static async Task UpdateAsync(SqlDatabase database, DbConnection connection, DbTransaction? transaction, IEnumerable<KeyValuePair<MeterId, DateTimeOffset>> heard, CancellationToken cancellationToken)
    {
        var ordered = Latest(heard);
        for (var start = 0; start < ordered.Length; start += PerStatement)
        {
            var chunk = ordered.AsMemory(start, Math.Min(PerStatement, ordered.Length - start));
            await using var command = database.Command(connection, transaction, Sql(chunk.Length));
            command.With("online", (int)CommunicationStatus.Online);
            for (var i = 0; i < chunk.Length; i++)
            {
                var (meter, time) = chunk.Span[i];
                command.With(Invariant($"i{i}"), meter.Value).With(Invariant($"a{i}"), database.TimeOf(time));
            }

            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Each meter once, with its latest time, in id order.</summary>
    public static KeyValuePair<MeterId, DateTimeOffset>[] Latest(IEnumerable<KeyValuePair<MeterId, DateTimeOffset>> heard)
    {
        var latest = new Dictionary<MeterId, DateTimeOffset>();
        foreach (var (meter, at) in heard)
        {
            if (!latest.TryGetValue(meter, out var known) || known < at)
            {
                latest[meter] = at;
            }
        }

        var ordered = latest.ToArray();
        Array.Sort(ordered, static (a, b) => a.Key.Value.CompareTo(b.Key.Value));
        return ordered;
    }

    /// <summary>
    /// The same statement with anonymous parameters, (id, when heard) per meter in order, and the online status
    /// written in (for SQLite's position binding, <see cref="Sqlite.SqliteBatchStatement"/>).
    /// </summary>
    public static string PositionalSql(int meters) =>
        Invariant($"UPDATE meters SET communication = {(int)CommunicationStatus.Online}, last_heard_at = CASE WHEN meters.last_heard_at IS NULL OR meters.last_heard_at < heard.column2 ") +
        "THEN heard.column2 ELSE meters.last_heard_at END FROM (VALUES " + string.Join(", ", Enumerable.Repeat("(?, ?)", meters)) + ") AS heard WHERE meters.id = heard.column1";

    /// <summary>
    /// UPDATE … FROM a VALUES list, in SQL both engines accept (SQLite 3.33+): the list's columns are column1 (id) and
    /// column2 (when heard) on both. A meter's time only moves forward.
    /// </summary>
    private static string Sql(int meters)
    {
        var sql = new StringBuilder(
            "UPDATE meters SET communication = @online, last_heard_at = CASE WHEN meters.last_heard_at IS NULL OR meters.last_heard_at < heard.column2 " +
            "THEN heard.column2 ELSE meters.last_heard_at END FROM (VALUES ");
        for (var i = 0; i < meters; i++)
        {
            sql.Append(i == 0 ? string.Empty : ", ").Append(Invariant($"(@i{i}, @a{i})"));
        }

        return sql.Append(") AS heard WHERE meters.id = heard.column1").ToString();
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
