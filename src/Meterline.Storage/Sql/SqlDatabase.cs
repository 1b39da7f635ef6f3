using System.Data.Common;
using System.Globalization;
using Meterline.Storage.Schema;

namespace Meterline.Storage.Sql;

/// <summary>
/// What the shared stores need of an engine: durable write transactions (serialised by the engine as it must be),
/// read connections, the few places where the engines' SQL differs, and the schema migrations.
/// </summary>
internal abstract class SqlDatabase : IAsyncDisposable
{
    protected SqlDatabase(StorageOptions options)
    {
        Options = options;
    }

    public StorageOptions Options { get; }

    public abstract StorageEngine Engine { get; }

    /// <summary>The case-insensitive LIKE operator.</summary>
    public abstract string CaseInsensitiveLike { get; }

    /// <summary>A time parameter's value for microseconds since the Unix epoch.</summary>
    public abstract object Time(long microseconds);

    public abstract DateTimeOffset ReadTime(DbDataReader reader, int ordinal);

    /// <summary>The integrity rule an exception reports, with the engine's name or text for it.</summary>
    public abstract (ConstraintKind Kind, string Detail) Classify(DbException exception);

    /// <summary>Runs <paramref name="work"/> in one transaction, committed durably before the task completes; rolled back if it throws.</summary>
    public abstract Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken);

    /// <summary>Runs <paramref name="work"/> on a connection for reading.</summary>
    public abstract Task<T> ReadAsync<T>(Func<DbConnection, Task<T>> work, CancellationToken cancellationToken);

    public abstract ValueTask DisposeAsync();

    /// <summary>
    /// Runs <paramref name="work"/> holding the lock named by <paramref name="key"/> against every other holder of it:
    /// within the process on SQLite (one node per database), between nodes on PostgreSQL (an advisory lock).
    /// </summary>
    public abstract Task<T> ExclusiveAsync<T>(long key, Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken);

    /// <summary>The DDL of the migration history table.</summary>
    protected abstract string SchemaMigrationsTable { get; }

    /// <summary>Serialises migrations between processes sharing the database, inside the migration's transaction.</summary>
    protected virtual Task LockSchemaAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken) => Task.CompletedTask;

    public DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.CommandTimeout = (int)Options.CommandTimeout.TotalSeconds;
        return command;
    }

    public object TimeOf(DateTimeOffset time) => Time(StorageTime.ToMicroseconds(time));

    public object BoundOf(DateTimeOffset time) => Time(StorageTime.ToBoundMicroseconds(time));

    public object? TimeOrNull(DateTimeOffset? time) => time is { } t ? TimeOf(t) : null;

    public DateTimeOffset? ReadTimeOrNull(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : ReadTime(reader, ordinal);

    /// <summary>
    /// Applies the scripts not yet applied, each in its own transaction together with its row in schema_migrations,
    /// and returns the schema version. A database migrated further than this build knows, or whose history differs
    /// from these scripts, is refused with <see cref="StorageSchemaException"/> and left as it is.
    /// </summary>
    public async Task<int> MigrateAsync(CancellationToken cancellationToken)
    {
        var migrations = MigrationSet.Load(Engine);
        await WriteAsync(
            async (connection, transaction) =>
            {
                await LockSchemaAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
                await using var create = Command(connection, transaction, SchemaMigrationsTable);
                return await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            },
            cancellationToken).ConfigureAwait(false);

        foreach (var migration in migrations)
        {
            await WriteAsync(
                async (connection, transaction) =>
                {
                    await LockSchemaAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
                    var applied = await ReadHistoryAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
                    CheckHistory(applied, migrations);
                    if (applied.ContainsKey(migration.Version))
                    {
                        return 0;
                    }

                    await using (var script = Command(connection, transaction, migration.Sql))
                    {
                        await script.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    }

                    await using var record = Command(connection, transaction, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (@version, @name, @at)")
                        .With("version", migration.Version).With("name", migration.Name).With("at", TimeOf(Options.TimeProvider.GetUtcNow()));
                    return await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                },
                cancellationToken).ConfigureAwait(false);
        }

        var final = await ReadAsync(async connection => await ReadHistoryAsync(connection, null, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        CheckHistory(final, migrations);
        return final.Count;
    }

    private async Task<Dictionary<int, string>> ReadHistoryAsync(DbConnection connection, DbTransaction? transaction, CancellationToken cancellationToken)
    {
        var applied = new Dictionary<int, string>();
        await using var command = Command(connection, transaction, "SELECT version, name FROM schema_migrations ORDER BY version");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            applied[reader.GetInt32(0)] = reader.GetString(1);
        }

        return applied;
    }

    private void CheckHistory(Dictionary<int, string> applied, IReadOnlyList<Migration> known)
    {
        var newest = applied.Count == 0 ? 0 : applied.Keys.Max();
        if (newest > known.Count)
        {
            throw new StorageSchemaException(string.Create(
                CultureInfo.InvariantCulture,
                $"The {Engine} database is at schema version {newest}, newer than this build knows ({known.Count}). Run a Meterline at least as new as the one that migrated it."));
        }

        for (var version = 1; version <= newest; version++)
        {
            if (!applied.TryGetValue(version, out var name) || name != known[version - 1].Name)
            {
                throw new StorageSchemaException(string.Create(
                    CultureInfo.InvariantCulture,
                    $"The {Engine} database's migration history differs from this build's scripts at version {version}."));
            }
        }
    }
}
