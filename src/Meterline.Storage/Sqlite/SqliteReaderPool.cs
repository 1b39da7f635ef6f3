using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;

namespace Meterline.Storage.Sqlite;

/// <summary>
/// A small, bounded pool of read-only connections beside the one writer; in WAL mode each reads a consistent snapshot
/// while the writer commits. A connection that failed is closed rather than returned.
/// </summary>
internal sealed class SqliteReaderPool : IAsyncDisposable
{
    private readonly string _connectionString;
    private readonly StorageOptions _options;
    private readonly SemaphoreSlim _slots;
    private readonly ConcurrentBag<SqliteConnection> _idle = [];
    private volatile bool _disposed;

    public SqliteReaderPool(string connectionString, StorageOptions options)
    {
        _connectionString = connectionString;
        _options = options;
        _slots = new SemaphoreSlim(options.SqliteReaderConnections, options.SqliteReaderConnections);
    }

    public async Task<T> UseAsync<T>(Func<SqliteConnection, Task<T>> work, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        SqliteConnection? connection = null;
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_idle.TryTake(out connection))
            {
                connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            }

            var result = await work(connection).ConfigureAwait(false);
            if (!_disposed)
            {
                _idle.Add(connection);
                connection = null;
            }

            return result;
        }
        finally
        {
            if (connection is not null)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }

            _slots.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        while (_idle.TryTake(out var connection))
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }

        _slots.Dispose();
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var pragmas = connection.CreateCommand();
            pragmas.CommandText = $"PRAGMA busy_timeout = {(long)_options.BusyTimeout.TotalMilliseconds}; PRAGMA query_only = ON;";
            await pragmas.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
