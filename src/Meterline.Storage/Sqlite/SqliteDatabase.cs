using System.Data.Common;
using System.Globalization;
using Meterline.Storage.Sql;
using Microsoft.Data.Sqlite;

namespace Meterline.Storage.Sqlite;

/// <summary>
/// A SQLite file in WAL mode with synchronous=FULL (a committed transaction survives power loss), foreign keys on and a
/// busy timeout. SQLite has one writer: every write runs on the one writer connection under a semaphore, in a
/// BEGIN IMMEDIATE transaction; reads use a small pool of read-only connections.
/// </summary>
internal sealed class SqliteDatabase : SqlDatabase
{
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly SemaphoreSlim _exclusiveLock = new(1, 1);
    private readonly SqliteConnection _writer;
    private readonly SqliteReaderPool _readers;
    private readonly Dictionary<string, SqliteCommand> _prepared = new(StringComparer.Ordinal);
    private int _disposed;

    private SqliteDatabase(StorageOptions options, SqliteConnection writer, SqliteReaderPool readers)
        : base(options)
    {
        _writer = writer;
        _readers = readers;
    }

    public override StorageEngine Engine => StorageEngine.Sqlite;

    public override string CaseInsensitiveLike => "LIKE";

    public static async Task<SqliteDatabase> OpenAsync(string connectionString, StorageOptions options, CancellationToken cancellationToken)
    {
        var builder = ParseConnectionString(connectionString, options);
        var directory = Path.GetDirectoryName(Path.GetFullPath(builder.DataSource));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        var writer = new SqliteConnection(builder.ConnectionString);
        try
        {
            await writer.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using (var pragmas = writer.CreateCommand())
            {
                pragmas.CommandText = string.Create(CultureInfo.InvariantCulture, $"PRAGMA busy_timeout = {(long)options.BusyTimeout.TotalMilliseconds};");
                await pragmas.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                pragmas.CommandText = "PRAGMA journal_mode = WAL;";
                var mode = (string?)await pragmas.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
                if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
                {
                    throw new InvalidOperationException($"SQLite did not switch {builder.DataSource} to WAL mode (it is in {mode} mode).");
                }

                pragmas.CommandText = "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA cache_size = -65536;";
                await pragmas.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            await writer.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        var readerBuilder = new SqliteConnectionStringBuilder(builder.ConnectionString) { Mode = SqliteOpenMode.ReadWrite };
        return new SqliteDatabase(options, writer, new SqliteReaderPool(readerBuilder.ConnectionString, options));
    }

    /// <summary>A file path, or a Microsoft.Data.Sqlite connection string naming a file (not an in-memory database: readers need the file).</summary>
    internal static SqliteConnectionStringBuilder ParseConnectionString(string connectionString, StorageOptions options)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var builder = connectionString.Contains('=', StringComparison.Ordinal)
            ? new SqliteConnectionStringBuilder(connectionString)
            : new SqliteConnectionStringBuilder { DataSource = connectionString.Trim() };
        if (string.IsNullOrWhiteSpace(builder.DataSource) || builder.DataSource == ":memory:" || builder.Mode == SqliteOpenMode.Memory)
        {
            throw new ArgumentException("SQLite storage needs a database file (Data Source=path), not an in-memory database.", nameof(connectionString));
        }

        if (builder.Mode == SqliteOpenMode.ReadOnly)
        {
            throw new ArgumentException("SQLite storage opens its file for writing (it applies migrations); Mode=ReadOnly is not supported.", nameof(connectionString));
        }

        builder.Pooling = false;
        builder.DefaultTimeout = (int)options.CommandTimeout.TotalSeconds;
        return builder;
    }

    public override object Time(long microseconds) => microseconds;

    public override DateTimeOffset ReadTime(DbDataReader reader, int ordinal) => StorageTime.FromMicroseconds(reader.GetInt64(ordinal));

    public override (ConstraintKind Kind, string Detail) Classify(DbException exception) => exception switch
    {
        SqliteException { SqliteErrorCode: 19, SqliteExtendedErrorCode: 2067 or 1555 } e => (ConstraintKind.Unique, e.Message),
        SqliteException { SqliteErrorCode: 19, SqliteExtendedErrorCode: 787 } e => (ConstraintKind.ForeignKey, e.Message),
        _ => (ConstraintKind.None, string.Empty),
    };

    public override async Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            await using var transaction = _writer.BeginTransaction(deferred: false);
            var result = await work(_writer, transaction).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return result;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>One node per SQLite database: the lock is this process's.</summary>
    public override async Task<T> ExclusiveAsync<T>(long key, Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        await _exclusiveLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await work(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _exclusiveLock.Release();
        }
    }

    public override Task<T> ReadAsync<T>(Func<DbConnection, Task<T>> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return _readers.UseAsync(work, cancellationToken);
    }

    /// <summary>
    /// A prepared statement on the writer connection, kept for reuse by every later write (call only inside
    /// <see cref="WriteAsync{T}"/>; set its transaction and parameter values before each use).
    /// </summary>
    public SqliteCommand Prepared(string sql, SqliteTransaction transaction, params string[] parameters)
    {
        if (!_prepared.TryGetValue(sql, out var command))
        {
            command = _writer.CreateCommand();
            command.CommandText = sql;
            command.CommandTimeout = (int)Options.CommandTimeout.TotalSeconds;
            foreach (var name in parameters)
            {
                command.Parameters.Add(new SqliteParameter { ParameterName = name });
            }

            command.Transaction = transaction;
            command.Prepare();
            _prepared[sql] = command;
        }

        command.Transaction = transaction;
        return command;
    }

    public override async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        // Wait for a write in progress; later writes see the flag and stop.
        await _writeLock.WaitAsync().ConfigureAwait(false);
        foreach (var command in _prepared.Values)
        {
            await command.DisposeAsync().ConfigureAwait(false);
        }

        _prepared.Clear();
        await _readers.DisposeAsync().ConfigureAwait(false);
        await _writer.DisposeAsync().ConfigureAwait(false);

        // A writer that was already waiting gets in, sees the flag and fails with ObjectDisposedException.
        _writeLock.Release();
        _writeLock.Dispose();
        _exclusiveLock.Dispose();
    }

    protected override string SchemaMigrationsTable =>
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)";
}
