using System.Data.Common;
using Meterline.HeadEnd.Analytics;
using Meterline.HeadEnd.Meters;

namespace Meterline.Storage.Sql;

/// <summary>The alerts table's columns in one order, and an alert read from them.</summary>
internal static class AlertRows
{
    public const string Columns =
        "id, meter, rule, dedupe_key, category, severity, confidence, summary, evidence, state, first_seen, last_seen, occurrences, raised_at, acknowledged_by, acknowledged_at, closed_by, closed_at, assigned_to, assigned_by, assigned_at";

    public static Alert Read(SqlDatabase database, DbDataReader r) =>
        new(
            new AlertId(r.GetInt64(0)),
            new MeterId(r.GetInt32(1)),
            r.GetString(2),
            r.GetString(3),
            r.GetString(4),
            (AlertSeverity)r.GetInt32(5),
            r.GetDouble(6),
            r.GetString(7),
            EvidenceJson.Read(r.GetString(8)),
            (AlertState)r.GetInt32(9),
            database.ReadTime(r, 10),
            database.ReadTime(r, 11),
            r.GetInt32(12),
            database.ReadTime(r, 13),
            r.IsDBNull(14) ? null : r.GetString(14),
            database.ReadTimeOrNull(r, 15),
            r.IsDBNull(16) ? null : r.GetString(16),
            database.ReadTimeOrNull(r, 17),
            r.IsDBNull(18) ? null : r.GetString(18),
            r.IsDBNull(19) ? null : r.GetString(19),
            database.ReadTimeOrNull(r, 20));

    public static async Task<List<Alert>> ReadAllAsync(SqlDatabase database, DbCommand command, CancellationToken cancellationToken)
    {
        var list = new List<Alert>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            list.Add(Read(database, reader));
        }

        return list;
    }
}
