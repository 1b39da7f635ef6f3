using Meterline.HeadEnd.Audit;
using Meterline.HeadEnd.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Meterline.HeadEnd.Tests.Audit;

public sealed class AuditLogTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 3, 1, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task AppendAsync_Entries_AreChainedInOrderWithUtcMicrosecondTimes()
    {
        var store = new InMemoryAuditStore();
        using var log = await AuditLog.OpenAsync(store, _time);
        _time.Advance(TimeSpan.FromTicks(12_345_678));

        var first = await log.AppendAsync("op", "a", "1", "{}");
        var second = await log.AppendAsync("op", "b", "1", "{}");

        Assert.Equal(1, first.Sequence);
        Assert.Equal(2, second.Sequence);
        Assert.Equal(first.Hash.ToArray(), second.PreviousHash.ToArray());
        Assert.Equal(new DateTimeOffset(2025, 3, 1, 0, 0, 1, TimeSpan.Zero).AddTicks(2_345_670), first.At);
        Assert.Equal(second, await store.GetLastAsync());
        Assert.True((await new AuditVerifier(store).VerifyAsync()).IsIntact);
    }

    [Fact]
    public async Task OpenAsync_ExistingLog_ContinuesItsChain()
    {
        var store = new InMemoryAuditStore();
        using (var log = await AuditLog.OpenAsync(store, _time))
        {
            await log.AppendAsync("op", "a", "1", "");
        }

        using var reopened = await AuditLog.OpenAsync(store, _time);
        var next = await reopened.AppendAsync("op", "b", "1", "");

        Assert.Equal(2, next.Sequence);
        Assert.True((await new AuditVerifier(store).VerifyAsync()).IsIntact);
    }

    [Fact]
    public async Task AppendAsync_ConcurrentCallers_AreSerialised()
    {
        var store = new InMemoryAuditStore();
        using var log = await AuditLog.OpenAsync(store, _time);

        await Task.WhenAll(Enumerable.Range(0, 200).Select(i => Task.Run(() => log.AppendAsync("op", "x", i.ToString(), ""))));

        var verification = await new AuditVerifier(store).VerifyAsync();
        Assert.True(verification.IsIntact, verification.Reason);
        Assert.Equal(200, verification.EntriesVerified);
    }

    [Fact]
    public async Task AppendAsync_AnotherWriterAppendedFirst_RereadsTailAndChainsOnce()
    {
        var store = new InMemoryAuditStore();
        using var mine = await AuditLog.OpenAsync(store, _time);
        using var theirs = await AuditLog.OpenAsync(store, _time);
        await theirs.AppendAsync("other-node", "a", "1", "");

        var record = await mine.AppendAsync("this-node", "b", "1", "");

        Assert.Equal(2, record.Sequence);
        Assert.Equal(2, (await new AuditVerifier(store).VerifyAsync()).EntriesVerified);
    }

    [Fact]
    public async Task AppendAsync_ConflictEveryTime_ThrowsAfterMaxAttemptsAndStoresNothing()
    {
        var store = new ConflictingAuditStore();
        using var log = await AuditLog.OpenAsync(store, _time);

        await Assert.ThrowsAsync<AuditConflictException>(() => log.AppendAsync("op", "a", "1", ""));

        Assert.Equal(AuditLog.MaxAttempts, store.Attempts);
        Assert.Equal(AuditLog.MaxAttempts, store.TailReads);
    }

    [Fact]
    public async Task AppendAsync_AnotherWriterWinsTwiceInARow_ChainsAfterBoth()
    {
        var store = new InMemoryAuditStore();
        using var theirs = await AuditLog.OpenAsync(store, _time);
        var racing = new RacingAuditStore(store, theirs, wins: 2);
        using var mine = await AuditLog.OpenAsync(racing, _time);

        var record = await mine.AppendAsync("this-node", "b", "1", "");

        Assert.Equal(3, record.Sequence);
        var verification = await new AuditVerifier(store).VerifyAsync();
        Assert.True(verification.IsIntact, verification.Reason);
        Assert.Equal(3, verification.EntriesVerified);
    }

    [Fact]
    public async Task AppendAsync_BadEntry_IsRefusedAndChangesNothing()
    {
        var store = new InMemoryAuditStore();
        using var log = await AuditLog.OpenAsync(store, _time);

        await Assert.ThrowsAsync<ArgumentException>(() => log.AppendAsync("op", "a\uDC00", "1", ""));
        await Assert.ThrowsAsync<ArgumentNullException>(() => log.AppendAsync("op", "a", "1", null!));

        Assert.Null(await store.GetLastAsync());
        Assert.Equal(1, (await log.AppendAsync("op", "a", "1", "")).Sequence);
    }

    /// <summary>A real store where another node's log appends just before each of this log's first <c>wins</c> attempts.</summary>
    private sealed class RacingAuditStore(InMemoryAuditStore inner, AuditLog other, int wins) : IAuditStore
    {
        private int _left = wins;

        public Task<AuditRecord?> GetLastAsync(CancellationToken cancellationToken = default) => inner.GetLastAsync(cancellationToken);

        public async Task AppendAsync(IReadOnlyList<AuditRecord> records, CancellationToken cancellationToken = default)
        {
            if (_left-- > 0)
            {
                await other.AppendAsync("other-node", "a", "1", "", cancellationToken);
            }

            await inner.AppendAsync(records, cancellationToken);
        }

        public IAsyncEnumerable<AuditRecord> ReadAsync(long fromSequence, CancellationToken cancellationToken = default) => inner.ReadAsync(fromSequence, cancellationToken);

        public Task<IReadOnlyList<AuditRecord>> GetRecentAsync(string? subject, int limit, CancellationToken cancellationToken = default) =>
            inner.GetRecentAsync(subject, limit, cancellationToken);
    }

    /// <summary>A store where another writer always got there first.</summary>
    private sealed class ConflictingAuditStore : IAuditStore
    {
        public int Attempts { get; private set; }

        public int TailReads { get; private set; }

        public Task<AuditRecord?> GetLastAsync(CancellationToken cancellationToken = default)
        {
            TailReads++;
            return Task.FromResult<AuditRecord?>(null);
        }

        public Task AppendAsync(IReadOnlyList<AuditRecord> records, CancellationToken cancellationToken = default)
        {
            Attempts++;
            throw new AuditConflictException("taken");
        }

        public IAsyncEnumerable<AuditRecord> ReadAsync(long fromSequence, CancellationToken cancellationToken = default) => AsyncEnumerable.Empty<AuditRecord>();

        public Task<IReadOnlyList<AuditRecord>> GetRecentAsync(string? subject, int limit, CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<AuditRecord>>([]);
    }
}
