using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Meterline.Storage.Sqlite;

/// <summary>
/// A multi-row statement with anonymous (<c>?</c>) parameters, bound by position straight on the SQLite handle of
/// the writer connection, for the batch writes of many rows per statement. Microsoft.Data.Sqlite binds every
/// parameter of a command by name, and SQLite finds a name by a linear search of the statement's parameters, so a
/// statement of n parameters costs n²/2 string comparisons per execution (a 64-row insert of readings, 320
/// parameters: about 51,000 per execution, the largest single cost of the ingest write). Position binding costs
/// nothing per parameter. Used inside the caller's transaction on the same connection; prepared once per batch.
/// </summary>
internal sealed class SqliteBatchStatement : IDisposable
{
    private readonly sqlite3 _database;
    private readonly sqlite3_stmt _statement;

    public SqliteBatchStatement(SqliteConnection connection, string sql)
    {
        ArgumentNullException.ThrowIfNull(connection);
        _database = connection.Handle ?? throw new InvalidOperationException("The connection is not open.");
        var rc = raw.sqlite3_prepare_v2(_database, sql, out _statement);
        SqliteException.ThrowExceptionForRC(rc, _database);
        Parameters = raw.sqlite3_bind_parameter_count(_statement);
    }

    /// <summary>Parameters of the statement.</summary>
    public int Parameters { get; }

    /// <summary>Binds a 64-bit integer to the parameter at <paramref name="index"/> (from 1).</summary>
    public void Bind(int index, long value) => Check(raw.sqlite3_bind_int64(_statement, index, value));

    /// <summary>Binds a double to the parameter at <paramref name="index"/> (from 1).</summary>
    public void Bind(int index, double value) => Check(raw.sqlite3_bind_double(_statement, index, value));

    /// <summary>Runs the statement with the values bound and resets it for the next row set; the rows it changed.</summary>
    public int Execute()
    {
        var rc = raw.sqlite3_step(_statement);
        var changes = raw.sqlite3_changes(_database);
        var reset = raw.sqlite3_reset(_statement);
        if (rc != raw.SQLITE_DONE)
        {
            SqliteException.ThrowExceptionForRC(rc == raw.SQLITE_ROW ? raw.SQLITE_MISUSE : rc, _database);
        }

        Check(reset);
        return changes;
    }

    public void Dispose() => _statement.Dispose();

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(rc, _database);
        }
    }
}
