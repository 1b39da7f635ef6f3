namespace Meterline.Storage.Tests.Support;

/// <summary>Where a test's database lives: a fresh empty database per call, dropped when the test is done.</summary>
public interface IStorageTarget
{
    Task<string> CreateDatabaseAsync(CancellationToken cancellationToken);

    Task DropDatabaseAsync(string connectionString, CancellationToken cancellationToken);

    /// <summary>Runs SQL on the database directly, behind the storage's back (to set up schema cases).</summary>
    Task<object?> ExecuteScalarAsync(string connectionString, string sql, CancellationToken cancellationToken);
}
