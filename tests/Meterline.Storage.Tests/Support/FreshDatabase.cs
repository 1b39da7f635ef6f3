namespace Meterline.Storage.Tests.Support;

/// <summary>A second empty database of the same engine, dropped at the end of the test.</summary>
public sealed class FreshDatabase(IStorageTarget target, CancellationToken cancellationToken) : IAsyncDisposable
{
    private string? _connectionString;

    public async Task<string> CreateAsync() => _connectionString = await target.CreateDatabaseAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (_connectionString is not null)
        {
            await target.DropDatabaseAsync(_connectionString, CancellationToken.None);
        }
    }
}
