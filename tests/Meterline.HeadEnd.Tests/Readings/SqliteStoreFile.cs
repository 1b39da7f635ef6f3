using Meterline.Storage;

namespace Meterline.HeadEnd.Tests.Readings;

/// <summary>The real SQLite store in a file of its own under the temporary directory, deleted on dispose.</summary>
internal sealed class SqliteStoreFile : IAsyncDisposable
{
    private readonly string _directory;

    private SqliteStoreFile(string directory, IHeadEndStorage storage)
    {
        _directory = directory;
        Storage = storage;
    }

    public IHeadEndStorage Storage { get; }

    public static async Task<SqliteStoreFile> OpenAsync()
    {
        var directory = Path.Combine(Path.GetTempPath(), "meterline-held-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        return new SqliteStoreFile(directory, await HeadEndStorage.OpenAsync(Path.Combine(directory, "node.db")));
    }

    public async ValueTask DisposeAsync()
    {
        await Storage.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }
}
