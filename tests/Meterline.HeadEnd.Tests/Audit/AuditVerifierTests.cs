using System.Runtime.CompilerServices;
using Meterline.HeadEnd.Audit;
using Meterline.HeadEnd.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Meterline.HeadEnd.Tests.Audit;

public sealed class AuditVerifierTests
{
    private static async Task<InMemoryAuditStore> LogOf(int entries)
    {
        var store = new InMemoryAuditStore();
        var time = new FakeTimeProvider(new DateTimeOffset(2025, 3, 1, 0, 0, 0, TimeSpan.Zero));
        using var log = await AuditLog.OpenAsync(store, time);
        for (var i = 0; i < entries; i++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            await log.AppendAsync("operator" + (i % 3), "command.disconnect.requested", "meter" + (i % 7), "{\"n\":" + i + "}");
        }

        return store;
    }

    [Fact]
    public async Task VerifyAsync_Intact10000Entries_Verifies()
    {
        var store = await LogOf(10_000);

        var result = await new AuditVerifier(store).VerifyAsync();

        Assert.Equal(new AuditVerification(AuditBreak.None, 10_000, null, "10000 entries verified"), result);
        Assert.True(result.IsIntact);
    }

    [Fact]
    public async Task VerifyAsync_EmptyLog_Verifies()
    {
        var result = await new AuditVerifier(new InMemoryAuditStore()).VerifyAsync();

        Assert.Equal(AuditBreak.None, result.Break);
        Assert.Equal(0, result.EntriesVerified);
    }

    public static TheoryData<string, long> Tamperings()
    {
        var data = new TheoryData<string, long>();
        foreach (var field in new[] { "At", "Actor", "Action", "Subject", "Detail", "Hash" })
        {
            foreach (var sequence in new long[] { 1, 13, 25 })
            {
                data.Add(field, sequence);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Tamperings))]
    public async Task VerifyAsync_AnyFieldOfAnyEntryTampered_ReportsHashMismatchThere(string field, long sequence)
    {
        var store = await LogOf(25);
        store.Tamper(sequence, r => field switch
        {
            "At" => r with { At = r.At.AddTicks(10) },
            "Actor" => r with { Actor = r.Actor + "x" },
            "Action" => r with { Action = "command.connect.requested" },
            "Subject" => r with { Subject = "meter99" },
            "Detail" => r with { Detail = r.Detail.Replace("\"n\"", "\"m\"", StringComparison.Ordinal) },
            _ => r with { Hash = Flip(r.Hash) },
        });

        var result = await new AuditVerifier(store).VerifyAsync();

        Assert.Equal(AuditBreak.HashMismatch, result.Break);
        Assert.Equal(sequence, result.BrokenSequence);
        Assert.Equal(sequence - 1, result.EntriesVerified);
        Assert.Equal($"entry {sequence} does not match its hash: it was altered", result.Reason);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(10)]
    public async Task VerifyAsync_PreviousHashTampered_ReportsPreviousHashMismatch(long sequence)
    {
        var store = await LogOf(10);
        store.Tamper(sequence, r => r with { PreviousHash = Flip(r.PreviousHash) });

        var result = await new AuditVerifier(store).VerifyAsync();

        Assert.Equal(AuditBreak.PreviousHashMismatch, result.Break);
        Assert.Equal(sequence, result.BrokenSequence);
    }

    [Fact]
    public async Task VerifyAsync_EntryAlteredAndRehashed_ReportsTheNextEntry()
    {
        var store = await LogOf(10);
        store.Tamper(4, r =>
        {
            var altered = r with { Detail = "{\"n\":0}" };
            return altered with { Hash = AuditChain.ComputeHash(altered) };
        });

        var result = await new AuditVerifier(store).VerifyAsync();

        Assert.Equal(AuditBreak.PreviousHashMismatch, result.Break);
        Assert.Equal(5, result.BrokenSequence);
        Assert.Equal("entry 5 does not carry the hash of entry 4", result.Reason);
    }

    [Fact]
    public async Task VerifyAsync_SequenceRenumbered_ReportsGap()
    {
        var store = await LogOf(10);
        store.Tamper(6, r => r with { Sequence = 60 });

        var result = await new AuditVerifier(store).VerifyAsync();

        Assert.Equal(new AuditVerification(AuditBreak.Gap, 5, 6, "entry 6 is missing: the next entry is 60"), result);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    public async Task VerifyAsync_DeletedEntry_ReportsGap(long deleted)
    {
        var store = await LogOf(10);

        var result = await new AuditVerifier(new DeletingStore(store, deleted)).VerifyAsync();

        Assert.Equal(AuditBreak.Gap, result.Break);
        Assert.Equal(deleted, result.BrokenSequence);
        Assert.Equal($"entry {deleted} is missing: the next entry is {deleted + 1}", result.Reason);
    }

    [Fact]
    public async Task VerifyAsync_TailCutOffBeforeAnchor_ReportsTruncated()
    {
        var store = await LogOf(10);
        var anchor = AuditAnchor.Of((await store.GetRecentAsync(null, 1))[0]);

        var cut = await new AuditVerifier(new DeletingStore(store, 10)).VerifyAsync(anchor);
        var whole = await new AuditVerifier(store).VerifyAsync(anchor);

        Assert.Equal(new AuditVerification(AuditBreak.Truncated, 9, 10, "the log ends at entry 9, before the anchor entry 10"), cut);
        Assert.True(whole.IsIntact);
    }

    [Fact]
    public async Task VerifyAsync_LogRewrittenBeneathAnchor_ReportsHashMismatch()
    {
        var store = await LogOf(3);
        var anchor = new AuditAnchor(2, new byte[32]);

        var result = await new AuditVerifier(store).VerifyAsync(anchor);

        Assert.Equal(AuditBreak.HashMismatch, result.Break);
        Assert.Equal(2, result.BrokenSequence);
    }

    private static byte[] Flip(ReadOnlyMemory<byte> hash)
    {
        var copy = hash.ToArray();
        copy[^1] ^= 0x80;
        return copy;
    }

    /// <summary>Reads a store as if one row had been deleted from it.</summary>
    private sealed class DeletingStore(IAuditStore inner, long deleted) : IAuditStore
    {
        public Task<AuditRecord?> GetLastAsync(CancellationToken cancellationToken = default) => inner.GetLastAsync(cancellationToken);

        public Task AppendAsync(IReadOnlyList<AuditRecord> records, CancellationToken cancellationToken = default) => inner.AppendAsync(records, cancellationToken);

        public async IAsyncEnumerable<AuditRecord> ReadAsync(long fromSequence, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await foreach (var record in inner.ReadAsync(fromSequence, cancellationToken))
            {
                if (record.Sequence != deleted)
                {
                    yield return record;
                }
            }
        }

        public Task<IReadOnlyList<AuditRecord>> GetRecentAsync(string? subject, int limit, CancellationToken cancellationToken = default) =>
            inner.GetRecentAsync(subject, limit, cancellationToken);
    }
}
