using System.Globalization;
using Meterline.HeadEnd.Meters;
using Meterline.Storage.Tests.Support;

namespace Meterline.Storage.Tests.Ports;

/// <summary>Schema migrations at open, run against each engine.</summary>
public abstract class MigrationTests : StorageTestBase
{
    [Fact]
    public async Task OpenAsync_AgainOnAMigratedDatabase_AppliesNothingAndKeepsData()
    {
        var meter = await AddMeterAsync(1);
        var before = await Scalar("SELECT count(*) FROM schema_migrations");
        var appliedAt = await Scalar("SELECT applied_at FROM schema_migrations WHERE version = 1");

        await using (var again = await OpenAnotherAsync())
        {
            Assert.Equal(Storage.SchemaVersion, again.SchemaVersion);
            Assert.Equal(meter, await again.Meters.GetAsync(meter.Id, Token));
        }

        Assert.Equal(before, await Scalar("SELECT count(*) FROM schema_migrations"));
        Assert.Equal(appliedAt, await Scalar("SELECT applied_at FROM schema_migrations WHERE version = 1"));
        Assert.Equal(Storage.SchemaVersion, Convert.ToInt32(before, CultureInfo.InvariantCulture));
        Assert.True(Storage.SchemaVersion >= 1);
    }

    [Fact]
    public async Task OpenAsync_ConcurrentlyOnAFreshDatabase_MigratesOnce()
    {
        await using var fresh = new FreshDatabase(Target, Token);
        var connectionString = await fresh.CreateAsync();

        var opened = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(() => HeadEndStorage.OpenAsync(connectionString, cancellationToken: Token))));
        foreach (var storage in opened)
        {
            await storage.DisposeAsync();
        }

        Assert.Equal(Storage.SchemaVersion, Convert.ToInt32(await Target.ExecuteScalarAsync(connectionString, "SELECT count(*) FROM schema_migrations", Token), CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task OpenAsync_DatabaseFromANewerBuild_ThrowsStorageSchemaExceptionAndChangesNothing()
    {
        await Scalar("INSERT INTO schema_migrations (version, name, applied_at) SELECT 999, '0999_future', applied_at FROM schema_migrations WHERE version = 1");

        var e = await Assert.ThrowsAsync<StorageSchemaException>(() => OpenAnotherAsync());

        Assert.Contains("schema version 999", e.Message, StringComparison.Ordinal);
        Assert.Equal(Storage.SchemaVersion + 1L, Convert.ToInt64(await Scalar("SELECT count(*) FROM schema_migrations"), CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task OpenAsync_HistoryDifferingFromTheScripts_ThrowsStorageSchemaException()
    {
        await Scalar("UPDATE schema_migrations SET name = '0001_something_else' WHERE version = 1");

        var e = await Assert.ThrowsAsync<StorageSchemaException>(() => OpenAnotherAsync());

        Assert.Contains("differs", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenAsync_UnknownConnectionStringForm_ThrowsArgumentException()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => HeadEndStorage.OpenAsync("Flavour=vanilla;Colour=blue", cancellationToken: Token));
        await Assert.ThrowsAsync<ArgumentException>(() => HeadEndStorage.OpenAsync("Data Source=:memory:", cancellationToken: Token));
        Assert.Equal(0, await Storage.Meters.CountAsync(Token));
    }

    private Task<object?> Scalar(string sql) => Target.ExecuteScalarAsync(ConnectionString, sql, Token);
}
