using System.Security.Cryptography;
using System.Text;
using Meterline.HeadEnd.Audit;
using Meterline.Storage.Tests.Support;

namespace Meterline.Storage.Tests.Ports;

/// <summary>The audit log's storage: unique sequences, conflicts, ordered reads, run against each engine.</summary>
public abstract class AuditStoreTests : StorageTestBase
{
    [Fact]
    public async Task AppendAsync_ThenRead_RoundTripsEveryField()
    {
        var records = Chain(null, 3);

        await Storage.Audit.AppendAsync(records, Token);

        Assert.Equal(records[^1], await Storage.Audit.GetLastAsync(Token));
        Assert.Equal(records, await ToListAsync(Storage.Audit.ReadAsync(1, Token)));
        Assert.Equal(records.Skip(1), await ToListAsync(Storage.Audit.ReadAsync(2, Token)));
    }

    [Fact]
    public async Task GetLastAsync_EmptyLog_ReturnsNull()
    {
        Assert.Null(await Storage.Audit.GetLastAsync(Token));
        Assert.Empty(await ToListAsync(Storage.Audit.ReadAsync(1, Token)));
    }

    [Fact]
    public async Task AppendAsync_SequenceAlreadyStored_ThrowsAuditConflictAndStoresNothing()
    {
        var first = Chain(null, 3);
        await Storage.Audit.AppendAsync(first, Token);
        var clash = Chain(first[1], 2);

        await Assert.ThrowsAsync<AuditConflictException>(() => Storage.Audit.AppendAsync(clash, Token));

        Assert.Equal(first, await ToListAsync(Storage.Audit.ReadAsync(1, Token)));
    }

    [Fact]
    public async Task AppendAsync_SequenceLeavingAGap_ThrowsAuditConflictAndStoresNothing()
    {
        var first = Chain(null, 2);
        await Storage.Audit.AppendAsync(first, Token);
        var gap = Chain(first[1], 3).Skip(1).ToList();

        await Assert.ThrowsAsync<AuditConflictException>(() => Storage.Audit.AppendAsync(gap, Token));

        Assert.Equal(first[^1], await Storage.Audit.GetLastAsync(Token));
    }

    [Fact]
    public async Task AppendAsync_ConcurrentWritersOfTheSameSequence_OneWinsTheOthersConflict()
    {
        var first = Chain(null, 1);
        await Storage.Audit.AppendAsync(first, Token);
        await using var otherNode = await OpenAnotherAsync();
        var contenders = Enumerable.Range(0, 10).Select(i => Chain(first[0], 1, $"writer {i}")).ToList();

        var outcomes = await Task.WhenAll(contenders.Select((records, i) => Task.Run(async () =>
        {
            try
            {
                await (i % 2 == 0 ? Storage : otherNode).Audit.AppendAsync(records, Token);
                return true;
            }
            catch (AuditConflictException)
            {
                return false;
            }
        })));

        Assert.Equal(1, outcomes.Count(won => won));
        var last = await Storage.Audit.GetLastAsync(Token);
        Assert.Equal(contenders[Array.IndexOf(outcomes, true)][0], last);
        Assert.Equal(2, (await ToListAsync(Storage.Audit.ReadAsync(1, Token))).Count);
    }

    [Fact]
    public async Task AppendAsync_MalformedEntries_ThrowArgumentExceptionAndStoreNothing()
    {
        var records = Chain(null, 2);

        await Assert.ThrowsAsync<ArgumentException>(() => Storage.Audit.AppendAsync([records[1], records[0]], Token));
        await Assert.ThrowsAsync<ArgumentException>(() => Storage.Audit.AppendAsync([records[0] with { Hash = new byte[31] }], Token));

        Assert.Null(await Storage.Audit.GetLastAsync(Token));
    }

    [Fact]
    public async Task ReadAsync_ManyEntries_StreamsAllInOrder_GetRecentAsync_NewestFirstBySubject()
    {
        var records = new List<AuditRecord>();
        for (var batch = 0; batch < 6; batch++)
        {
            var next = Chain(records.Count == 0 ? null : records[^1], 200);
            await Storage.Audit.AppendAsync(next, Token);
            records.AddRange(next);
        }

        Assert.Equal(records.Select(r => r.Sequence), (await ToListAsync(Storage.Audit.ReadAsync(1, Token))).Select(r => r.Sequence));
        var recent = await Storage.Audit.GetRecentAsync("MTL00000003", 4, Token);
        Assert.Equal(records.Where(r => r.Subject == "MTL00000003").Reverse().Take(4), recent);
        Assert.Equal([1200L, 1199L], (await Storage.Audit.GetRecentAsync(null, 2, Token)).Select(r => r.Sequence));
    }

    private static List<AuditRecord> Chain(AuditRecord? previous, int count, string actor = "operator:asha")
    {
        var list = new List<AuditRecord>();
        var sequence = previous?.Sequence ?? 0;
        var previousHash = previous?.Hash.ToArray() ?? new byte[AuditRecord.HashLength];
        for (var i = 0; i < count; i++)
        {
            sequence++;
            var at = T0.AddSeconds(sequence).AddTicks(sequence * 10 % 10_000_000);
            var subject = $"MTL{sequence % 5:D8}";
            var detail = $$"""{"n":{{sequence}},"note":"naïve ✓"}""";
            var hash = SHA256.HashData([.. previousHash, .. Encoding.UTF8.GetBytes($"{sequence}|{actor}|{subject}|{detail}")]);
            list.Add(new AuditRecord(sequence, at, actor, "command.disconnect.requested", subject, detail, previousHash, hash));
            previousHash = hash;
        }

        return list;
    }
}
