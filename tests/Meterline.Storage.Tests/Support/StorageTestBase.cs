using Meterline.HeadEnd.Meters;

namespace Meterline.Storage.Tests.Support;

/// <summary>
/// Each test gets a fresh database of its engine, opened (migrated) before it runs and dropped after. Every storage
/// call takes <see cref="Token"/>, which cancels after <see cref="TestTimeout"/>, so no test runs unbounded.
/// </summary>
public abstract class StorageTestBase : IAsyncLifetime
{
    public static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(90);

    /// <summary>A fixed moment on a microsecond boundary.</summary>
    public static readonly DateTimeOffset T0 = new(2025, 3, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly CancellationTokenSource _timeout = new(TestTimeout);
    private IHeadEndStorage? _storage;

    protected CancellationToken Token => _timeout.Token;

    protected IHeadEndStorage Storage => _storage ?? throw new InvalidOperationException("Not open.");

    protected string ConnectionString { get; private set; } = string.Empty;

    protected abstract IStorageTarget Target { get; }

    public async Task InitializeAsync()
    {
        ConnectionString = await Target.CreateDatabaseAsync(Token);
        _storage = await HeadEndStorage.OpenAsync(ConnectionString, cancellationToken: Token);
    }

    public async Task DisposeAsync()
    {
        if (_storage is not null)
        {
            await _storage.DisposeAsync();
        }

        using var cleanup = new CancellationTokenSource(TestTimeout);
        await Target.DropDatabaseAsync(ConnectionString, cleanup.Token);
        _timeout.Dispose();
    }

    /// <summary>Opens a second, independent handle on the same database (another process or node).</summary>
    protected Task<IHeadEndStorage> OpenAnotherAsync() => HeadEndStorage.OpenAsync(ConnectionString, cancellationToken: Token);

    protected static MeterRegistration Registration(int n) =>
        new($"MTL{n:D8}", new MeterSystemTitle(0x4D544C0000000000UL + (ulong)n), "is15959-single-phase");

    protected async Task<Meter> AddMeterAsync(int n) => await Storage.Meters.AddAsync(Registration(n), Token);

    protected async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> items)
    {
        var list = new List<T>();
        await foreach (var item in items.WithCancellation(Token))
        {
            list.Add(item);
        }

        return list;
    }
}
