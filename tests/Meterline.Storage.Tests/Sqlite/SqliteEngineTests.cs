using Meterline.Storage.Sql;
using Meterline.Storage.Tests.Support;

namespace Meterline.Storage.Tests.Sqlite;

/// <summary>The SQLite engine's durability settings and connection string forms.</summary>
public sealed class SqliteEngineTests : StorageTestBase
{
    protected override IStorageTarget Target { get; } = new SqliteTarget();

    [Fact]
    public async Task Writer_RunsInWalWithSynchronousFullAndForeignKeys()
    {
        var database = ((SqlStorage)Storage).Database;

        var settings = await database.WriteAsync(
            async (connection, transaction) =>
            {
                var values = new List<string>();
                foreach (var pragma in new[] { "journal_mode", "synchronous", "foreign_keys", "busy_timeout" })
                {
                    await using var command = database.Command(connection, transaction, $"PRAGMA {pragma}");
                    values.Add(Convert.ToString(await command.ExecuteScalarAsync(Token), System.Globalization.CultureInfo.InvariantCulture)!);
                }

                return values;
            },
            Token);

        Assert.Equal(["wal", "2", "1", "10000"], settings);
    }

    [Fact]
    public async Task Readers_AreQueryOnly()
    {
        var database = ((SqlStorage)Storage).Database;

        var e = await Assert.ThrowsAsync<Microsoft.Data.Sqlite.SqliteException>(() => database.ReadAsync(
            async connection =>
            {
                await using var command = database.Command(connection, null, "DELETE FROM meters");
                return await command.ExecuteNonQueryAsync(Token);
            },
            Token));

        Assert.Equal(8, e.SqliteErrorCode);
    }

    [Fact]
    public async Task OpenAsync_BareFilePathInANewDirectory_CreatesTheDatabase()
    {
        var directory = Directory.CreateTempSubdirectory("meterline-sqlite-path-");
        try
        {
            var path = Path.Combine(directory.FullName, "nested", "hes.db");
            await using (var storage = await HeadEndStorage.OpenAsync(path, cancellationToken: Token))
            {
                Assert.Equal(StorageEngine.Sqlite, storage.Engine);
                await storage.Meters.AddAsync(Registration(1), Token);
            }

            await using var again = await HeadEndStorage.OpenAsync($"Data Source={path}", cancellationToken: Token);
            Assert.Equal(1, await again.Meters.CountAsync(Token));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData("Host=db.example;Database=hes;Username=hes", StorageEngine.PostgreSql)]
    [InlineData("Server=127.0.0.1;Port=5433;Database=hes", StorageEngine.PostgreSql)]
    [InlineData("Data Source=/var/lib/meterline/hes.db", StorageEngine.Sqlite)]
    [InlineData("DataSource=hes.db;Cache=Shared", StorageEngine.Sqlite)]
    [InlineData("/var/lib/meterline/hes.db", StorageEngine.Sqlite)]
    [InlineData("hes.db", StorageEngine.Sqlite)]
    public void EngineOf_ConnectionStringForms_ChooseTheEngine(string connectionString, StorageEngine expected) =>
        Assert.Equal(expected, HeadEndStorage.EngineOf(connectionString));

    [Theory]
    [InlineData("Flavour=vanilla")]
    [InlineData("Password=x;Timeout=5")]
    [InlineData("")]
    [InlineData("Host='unterminated")]
    public void EngineOf_NeitherForm_ThrowsArgumentException(string connectionString) =>
        Assert.Throws<ArgumentException>(() => HeadEndStorage.EngineOf(connectionString));
}
