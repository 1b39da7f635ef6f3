using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Readings;
using Meterline.Storage.Tests.Support;

namespace Meterline.Storage.Tests.Postgres;

/// <summary>The monthly partitions of the PostgreSQL readings table.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresPartitionTests(PostgresCluster cluster) : StorageTestBase
{
    protected override IStorageTarget Target => cluster;

    [Fact]
    public async Task WriteAsync_RowsInTwoMonths_LandInTwoPartitions()
    {
        var march = new IntervalReading(new MeterId(1), new DateTimeOffset(2025, 3, 31, 23, 59, 59, TimeSpan.Zero).AddTicks(9_999_990), Quantity.BlockImportEnergy, 1, ReadingQuality.Authenticated);
        var april = march with { Time = new DateTimeOffset(2025, 4, 1, 0, 0, 0, TimeSpan.Zero), Value = 2 };

        await Storage.Readings.WriteAsync(new IngestBatch([march, april, april with { Meter = new MeterId(2) }], [], [], new Dictionary<MeterId, uint>()), Token);

        Assert.Equal(1L, await Scalar("SELECT count(*) FROM readings_y2025m03"));
        Assert.Equal(2L, await Scalar("SELECT count(*) FROM readings_y2025m04"));
        Assert.Equal(2L, await Scalar("SELECT count(*) FROM pg_inherits WHERE inhparent = 'readings'::regclass"));
    }

    [Fact]
    public async Task WriteAsync_TwoHandlesNeedingTheSameNewPartitions_BothSucceed()
    {
        await using var otherNode = await OpenAnotherAsync();
        var handles = new[] { Storage, otherNode };

        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => Task.Run(() => handles[i % 2].Readings.WriteAsync(
            new IngestBatch(
                [.. Enumerable.Range(0, 6).Select(month => new IntervalReading(new MeterId(i + 1), new DateTimeOffset(2026, month + 1, 15, 0, 0, 0, TimeSpan.Zero), Quantity.BlockImportEnergy, month, ReadingQuality.None))],
                [],
                [],
                new Dictionary<MeterId, uint>()),
            Token))));

        Assert.All(results, r => Assert.Equal(6, r.ReadingsInserted));
        Assert.Equal(6L, await Scalar("SELECT count(*) FROM pg_inherits WHERE inhparent = 'readings'::regclass"));
        Assert.Equal(36L, await Storage.Readings.CountReadingsAsync(null, Token));
    }

    [Fact]
    public async Task WriteAsync_BatchBringingTooManyNewMonths_ThrowsArgumentExceptionAndCreatesNothing()
    {
        var readings = Enumerable.Range(0, 25).Select(month => new IntervalReading(new MeterId(1), T0.AddMonths(month), Quantity.BlockImportEnergy, month, ReadingQuality.None)).ToList();

        await Assert.ThrowsAsync<ArgumentException>(() => Storage.Readings.WriteAsync(new IngestBatch(readings, [], [], new Dictionary<MeterId, uint>()), Token));

        Assert.Equal(0L, await Scalar("SELECT count(*) FROM pg_inherits WHERE inhparent = 'readings'::regclass"));
        Assert.Equal(0L, await Storage.Readings.CountReadingsAsync(null, Token));
    }

    [Fact]
    public async Task Sessions_RunWithSynchronousCommitOnEvenWhenTheDatabaseDefaultIsOff()
    {
        await Scalar("ALTER DATABASE " + new Npgsql.NpgsqlConnectionStringBuilder(ConnectionString).Database + " SET synchronous_commit = off");
        Assert.Equal("off", await Scalar("SHOW synchronous_commit"));
        await using var reopened = await OpenAnotherAsync();
        var database = ((Meterline.Storage.Sql.SqlStorage)reopened).Database;

        var setting = await database.WriteAsync(
            async (connection, transaction) =>
            {
                await using var command = database.Command(connection, transaction, "SHOW synchronous_commit");
                return (string?)await command.ExecuteScalarAsync(Token);
            },
            Token);

        Assert.Equal("on", setting);
    }

    private Task<object?> Scalar(string sql, string? connectionString = null) => cluster.ExecuteScalarAsync(connectionString ?? ConnectionString, sql, Token);
}
