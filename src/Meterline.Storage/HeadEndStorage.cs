using System.Data.Common;
using Meterline.Storage.Postgres;
using Meterline.Storage.Sql;
using Meterline.Storage.Sqlite;

namespace Meterline.Storage;

/// <summary>
/// Opens the head-end's database, choosing the engine by the connection string's form, and brings its schema up to
/// date before returning it.
/// </summary>
public static class HeadEndStorage
{
    /// <summary>
    /// Opens a database: <c>Host=…;Database=…;Username=…</c> (an Npgsql connection string) is PostgreSQL;
    /// <c>Data Source=path</c> (a Microsoft.Data.Sqlite connection string) or a bare file path is SQLite. Pending
    /// migrations are applied, each in its own transaction; a database migrated by a newer build is refused with
    /// <see cref="StorageSchemaException"/>.
    /// </summary>
    public static async Task<IHeadEndStorage> OpenAsync(string connectionString, StorageOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= StorageOptions.Default;
        options.Validate();
        SqlDatabase database;
        Func<SqlDatabase, SqlReadingStore> readings;
        switch (EngineOf(connectionString))
        {
            case StorageEngine.PostgreSql:
                database = PostgresDatabase.Create(connectionString, options);
                readings = d => new PostgresReadingStore((PostgresDatabase)d);
                break;
            default:
                database = await SqliteDatabase.OpenAsync(connectionString, options, cancellationToken).ConfigureAwait(false);
                readings = d => new SqliteReadingStore((SqliteDatabase)d);
                break;
        }

        try
        {
            var version = await database.MigrateAsync(cancellationToken).ConfigureAwait(false);
            return new SqlStorage(database, readings(database), version);
        }
        catch
        {
            await database.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The engine a connection string is for; an <see cref="ArgumentException"/> if it is for neither.</summary>
    public static StorageEngine EngineOf(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        if (!connectionString.Contains('=', StringComparison.Ordinal))
        {
            return StorageEngine.Sqlite;
        }

        var builder = new DbConnectionStringBuilder();
        try
        {
            builder.ConnectionString = connectionString;
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException("Not a connection string (Host=… for PostgreSQL, Data Source=… or a file path for SQLite).", nameof(connectionString), e);
        }

        if (builder.ContainsKey("Host") || builder.ContainsKey("Server"))
        {
            return StorageEngine.PostgreSql;
        }

        if (builder.ContainsKey("Data Source") || builder.ContainsKey("DataSource") || builder.ContainsKey("Filename"))
        {
            return StorageEngine.Sqlite;
        }

        throw new ArgumentException("Not a connection string of a known engine: Host=… for PostgreSQL, Data Source=… or a file path for SQLite.", nameof(connectionString));
    }
}
