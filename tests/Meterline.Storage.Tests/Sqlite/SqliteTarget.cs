using Meterline.Storage.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Meterline.Storage.Tests.Sqlite;

/// <summary>SQLite databases as files in a fresh temporary directory each.</summary>
public sealed class SqliteTarget : IStorageTarget
{
    public Task<string> CreateDatabaseAsync(CancellationToken cancellationToken)
    {
        var directory = Directory.CreateTempSubdirectory("meterline-sqlite-");
        return Task.FromResult($"Data Source={Path.Combine(directory.FullName, "head-end.db")}");
    }

    public Task DropDatabaseAsync(string connectionString, CancellationToken cancellationToken)
    {
        var file = new SqliteConnectionStringBuilder(connectionString).DataSource;
        Directory.Delete(Path.GetDirectoryName(file)!, recursive: true);
        return Task.CompletedTask;
    }

    public async Task<object?> ExecuteScalarAsync(string connectionString, string sql, CancellationToken cancellationToken)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString) { Pooling = false };
        await using var connection = new SqliteConnection(builder.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync(cancellationToken);
    }
}
