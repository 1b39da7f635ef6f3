using System.Data.Common;
using Meterline.HeadEnd.Commands;
using Meterline.HeadEnd.Meters;

namespace Meterline.Storage.Sql;

/// <summary>The commands table's columns in one order, and a command read from them.</summary>
internal static class CommandRows
{
    public const string Columns =
        "id, meter, kind, parameters, state, requested_by, requested_at, not_before, deadline, sent_at, completed_at, result, idempotency_key";

    public static CommandRecord Read(SqlDatabase database, DbDataReader r) =>
        new(
            new CommandId(r.GetInt64(0)),
            new MeterId(r.GetInt32(1)),
            (CommandKind)r.GetInt32(2),
            r.GetString(3),
            (CommandState)r.GetInt32(4),
            r.GetString(5),
            database.ReadTime(r, 6),
            database.ReadTimeOrNull(r, 7),
            database.ReadTime(r, 8),
            database.ReadTimeOrNull(r, 9),
            database.ReadTimeOrNull(r, 10),
            r.IsDBNull(11) ? null : r.GetString(11),
            r.IsDBNull(12) ? null : r.GetString(12));

    public static async Task<List<CommandRecord>> ReadAllAsync(SqlDatabase database, DbCommand command, CancellationToken cancellationToken)
    {
        var list = new List<CommandRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            list.Add(Read(database, reader));
        }

        return list;
    }
}
