using Microsoft.Data.Sqlite;
using Npgsql;

namespace Meterline.Storage;

/// <summary>
/// Tells a database that is away for now from a fault in the code or the data: PostgreSQL stopped, restarting or
/// unreachable (Npgsql's transient errors: connection refused or broken, admin or crash shutdown, the server still
/// starting, out of connections or space), SQLite out of space (<c>SQLITE_FULL</c>), failing I/O
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
}
