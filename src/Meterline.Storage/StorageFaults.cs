using Microsoft.Data.Sqlite;
using Npgsql;

namespace Meterline.Storage;

/// <summary>
/// Tells a database that is away for now from a fault in the code or the data: PostgreSQL stopped, restarting or
/// unreachable (connection refused or broken, admin or crash shutdown, the server still starting; Npgsql's other
/// transient errors such as out of connections or space), SQLite out of space (<c>SQLITE_FULL</c>), failing I/O
/// (<c>SQLITE_IOERR</c>) or busy past its timeout. Such an error is expected to go away without a change to the
/// node: a service that meets it waits and tries again rather than stopping the node.
/// </summary>
public static class StorageFaults
{
    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;
    private const int SqliteIoError = 10;
    private const int SqliteFull = 13;
    private const int MaxDepth = 8;

    /// <summary>True when <paramref name="exception"/>, or one of the exceptions it wraps, is a database outage.</summary>
    public static bool IsOutage(Exception? exception)
    {
        for (var depth = 0; exception is not null && depth < MaxDepth; depth++)
        {
            switch (exception)
            {
                case PostgresException postgres when IsShutdownOrConnection(postgres.SqlState):
                case NpgsqlException npgsql when npgsql.IsTransient:
                case SqliteException { SqliteErrorCode: SqliteFull or SqliteIoError or SqliteBusy or SqliteLocked }:
                    return true;
                case AggregateException { InnerExceptions.Count: > 0 } aggregate:
                    exception = aggregate.InnerExceptions[0];
                    continue;
            }

            exception = exception.InnerException;
        }

        return false;
    }

    /// <summary>
    /// PostgreSQL's SQLSTATEs of a server going or not yet there (appendix A of its manual): class 08, connection
    /// exception; 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now.
    /// </summary>
    private static bool IsShutdownOrConnection(string state) =>
        state.StartsWith("08", StringComparison.Ordinal) || state is "57P01" or "57P02" or "57P03";
}
