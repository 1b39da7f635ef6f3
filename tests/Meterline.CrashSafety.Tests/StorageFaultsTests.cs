using System.Net.Sockets;
using Meterline.Storage;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Meterline.CrashSafety.Tests;

/// <summary>Which database errors are an outage a node waits out (<see cref="StorageFaults.IsOutage"/>) and which stop it.</summary>
public sealed class StorageFaultsTests
{
    [Theory]
    [InlineData(13)] // SQLITE_FULL
    [InlineData(10)] // SQLITE_IOERR
    [InlineData(5)] // SQLITE_BUSY
    public void IsOutage_SqliteSpaceOrIoOrBusy_True(int code) =>
        Assert.True(StorageFaults.IsOutage(new SqliteException("database or disk is full", code)));

    [Theory]
    [InlineData(19)] // SQLITE_CONSTRAINT
    [InlineData(1)] // SQLITE_ERROR (a bad statement)
    [InlineData(11)] // SQLITE_CORRUPT
    public void IsOutage_SqliteConstraintErrorOrCorrupt_False(int code) =>
        Assert.False(StorageFaults.IsOutage(new SqliteException("no", code)));

    [Fact]
    public void IsOutage_NpgsqlConnectionRefusedWrappedTwice_True() =>
        Assert.True(StorageFaults.IsOutage(new InvalidOperationException("loop", new AggregateException(new NpgsqlException("Failed to connect", new SocketException((int)SocketError.ConnectionRefused))))));

    [Fact]
    public void IsOutage_PostgresAdminShutdown_True() =>
        Assert.True(StorageFaults.IsOutage(new PostgresException("terminating connection due to administrator command", "FATAL", "FATAL", "57P01")));

    [Fact]
    public void IsOutage_PostgresUniqueViolation_False() =>
        Assert.False(StorageFaults.IsOutage(new PostgresException("duplicate key", "ERROR", "ERROR", "23505")));

    [Fact]
    public void IsOutage_NotADatabaseError_False()
    {
        Assert.False(StorageFaults.IsOutage(new InvalidOperationException("a bug")));
        Assert.False(StorageFaults.IsOutage(null));
    }
}
