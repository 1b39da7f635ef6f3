using System.Data.Common;
using Meterline.Storage.Sql;
using Npgsql;

namespace Meterline.Storage.Postgres;

/// <summary>
/// A PostgreSQL database through one Npgsql data source (its own connection pool). Every session runs with
/// synchronous_commit on, so a committed write has reached the server's disk; writes are READ COMMITTED transactions
/// whose conflicts are settled by row locks and unique keys.
/// </summary>
internal sealed class PostgresDatabase : SqlDatabase
{
    /// <summary>The advisory lock key that serialises schema changes (migrations, new partitions) between nodes.</summary>
    public const long SchemaLockKey = 0x4D65_7465_726C_696E; // "Meterlin"

    private readonly NpgsqlDataSource _dataSource;

    private PostgresDatabase(StorageOptions options, NpgsqlDataSource dataSource)
        : base(options)
    {
        _dataSource = dataSource;
    }

    public override StorageEngine Engine => StorageEngine.PostgreSql;

    public override string CaseInsensitiveLike => "ILIKE";

    public static PostgresDatabase Create(string connectionString, StorageOptions options)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (string.IsNullOrWhiteSpace(builder.Host))
        {
            throw new ArgumentException("A PostgreSQL connection string names its Host.", nameof(connectionString));
        }

        builder.Options = string.IsNullOrWhiteSpace(builder.Options) ? "-c synchronous_commit=on" : builder.Options + " -c synchronous_commit=on";
        builder.CommandTimeout = (int)options.CommandTimeout.TotalSeconds;
        return new PostgresDatabase(options, new NpgsqlDataSourceBuilder(builder.ConnectionString).Build());
    }

    public override object Time(long microseconds) => StorageTime.ToUtcDateTime(microseconds);

    public override DateTimeOffset ReadTime(DbDataReader reader, int ordinal) => new(reader.GetFieldValue<DateTime>(ordinal), TimeSpan.Zero);

    public override (ConstraintKind Kind, string Detail) Classify(DbException exception) => exception switch
    {
        PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } e => (ConstraintKind.Unique, e.ConstraintName ?? string.Empty),
        PostgresException { SqlState: PostgresErrorCodes.ForeignKeyViolation } e => (ConstraintKind.ForeignKey, e.ConstraintName ?? string.Empty),
        _ => (ConstraintKind.None, string.Empty),
    };

    public override async Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var result = await work(connection, transaction).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return result;
    }

    public override async Task<T> ReadAsync<T>(Func<DbConnection, Task<T>> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await work(connection).ConfigureAwait(false);
    }

    public override ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    /// <summary>
    /// A session advisory lock on a connection of its own, held while <paramref name="work"/> runs on others and released
    /// after it (or by the server when the connection drops, should this process die).
    /// </summary>
    public override async Task<T> ExclusiveAsync<T>(long key, Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (var take = Command(connection, null, "SELECT pg_advisory_lock(@key)").With("key", key))
        {
            await take.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        try
        {
            return await work(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await using var release = Command(connection, null, "SELECT pg_advisory_unlock(@key)").With("key", key);
            await release.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    protected override string SchemaMigrationsTable =>
        "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL)";

    protected override async Task LockSchemaAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, "SELECT pg_advisory_xact_lock(@key)").With("key", SchemaLockKey);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Takes the schema lock inside a write (for creating partitions).</summary>
    public Task LockSchemaInAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken) =>
        LockSchemaAsync(connection, transaction, cancellationToken);
}
