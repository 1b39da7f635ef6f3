using Meterline.HeadEnd.Commands;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Northbound;
using Meterline.HeadEnd.Readings;
using Meterline.Storage.Tests.Support;

namespace Meterline.Storage.Tests.Ports;

/// <summary>
/// The northbound outbox: append, read oldest first, claim and give back, delete, count (bounded); rows written inside
/// a reading batch and a command transition commit with them or not at all; concurrent claimers (two handles, as two
/// nodes) never share a row. Run against each engine.
/// </summary>
public abstract class OutboxStoreTests : StorageTestBase
{
    [Fact]
    public async Task AppendAsync_ThenReadAsync_ReturnsEveryFieldOldestFirstWithRisingSequences()
    {
        var entries = Enumerable.Range(0, 450).Select(i => Entry(i)).ToList();

        await Storage.Outbox.AppendAsync(entries, Token);
        var read = await Storage.Outbox.ReadAsync(1_000, Token);

        Assert.Equal(entries, read.Select(m => m.Entry));
        Assert.Equal(read.Select(m => m.Sequence).Order(), read.Select(m => m.Sequence));
        Assert.Equal(read.Count, read.Select(m => m.Sequence).Distinct().Count());
        Assert.Equal(450, await Storage.Outbox.CountAsync(Token));
        Assert.Equal(entries.Take(10), (await Storage.Outbox.ReadAsync(10, Token)).Select(m => m.Entry));
    }

    [Fact]
    public async Task DeleteAsync_SomeSequences_RemovesOnlyThoseAndIgnoresUnknownOnes()
    {
        await Storage.Outbox.AppendAsync([.. Enumerable.Range(0, 1_200).Select(i => Entry(i))], Token);
        var read = await Storage.Outbox.ReadAsync(1_200, Token);
        var gone = read.Where((_, i) => i % 2 == 0).Select(m => m.Sequence).ToList();

        var deleted = await Storage.Outbox.DeleteAsync([.. gone, read[^1].Sequence + 1_000], Token);
        var again = await Storage.Outbox.DeleteAsync(gone, Token);

        Assert.Equal(600, deleted);
        Assert.Equal(0, again);
        Assert.Equal(600, await Storage.Outbox.CountAsync(Token));
        Assert.Equal(read.Where((_, i) => i % 2 == 1), await Storage.Outbox.ReadAsync(1_000, Token));
    }

    [Fact]
    public async Task DeleteAsync_ThenAppend_NeverReusesASequence()
    {
        await Storage.Outbox.AppendAsync([Entry(1), Entry(2)], Token);
        var first = await Storage.Outbox.ReadAsync(10, Token);
        await Storage.Outbox.DeleteAsync([.. first.Select(m => m.Sequence)], Token);

        await Storage.Outbox.AppendAsync([Entry(3)], Token);
        var next = Assert.Single(await Storage.Outbox.ReadAsync(10, Token));

        Assert.True(next.Sequence > first[^1].Sequence);
    }

    [Fact]
    public async Task ReadingsWriteAsync_BatchWithOutbox_CommitsTheRowsWithTheData()
    {
        var meter = await AddMeterAsync(1);
        var batch = new IngestBatch([new IntervalReading(meter.Id, T0, Quantity.BlockImportEnergy, 12.5, ReadingQuality.Authenticated)], [], [], new Dictionary<MeterId, uint>())
        {
            Outbox = [Entry(1), Entry(2)],
        };

        await Storage.Readings.WriteAsync(batch, Token);

        Assert.Equal(1, await Storage.Readings.CountReadingsAsync(meter.Id, Token));
        Assert.Equal([Entry(1), Entry(2)], (await Storage.Outbox.ReadAsync(10, Token)).Select(m => m.Entry));
    }

    [Fact]
    public async Task ReadingsWriteAsync_BatchRefused_StoresNeitherDataNorOutboxRows()
    {
        var meter = await AddMeterAsync(1);
        var batch = new IngestBatch([new IntervalReading(meter.Id, T0, Quantity.BlockImportEnergy, double.NaN, ReadingQuality.Authenticated)], [], [], new Dictionary<MeterId, uint>())
        {
            Outbox = [Entry(1)],
        };

        await Assert.ThrowsAsync<ArgumentException>(() => Storage.Readings.WriteAsync(batch, Token));

        Assert.Equal(0, await Storage.Readings.CountReadingsAsync(meter.Id, Token));
        Assert.Equal(0, await Storage.Outbox.CountAsync(Token));
    }

    [Fact]
    public async Task ReadingsWriteAsync_OutboxEntryInvalid_StoresNothing()
    {
        var meter = await AddMeterAsync(1);
        var batch = new IngestBatch([new IntervalReading(meter.Id, T0, Quantity.BlockImportEnergy, 1, ReadingQuality.Authenticated)], [], [], new Dictionary<MeterId, uint>())
        {
            Outbox = [Entry(1) with { RoutingKey = new string('k', 256) }],
        };

        await Assert.ThrowsAsync<ArgumentException>(() => Storage.Readings.WriteAsync(batch, Token));

        Assert.Equal(0, await Storage.Readings.CountReadingsAsync(meter.Id, Token));
        Assert.Equal(0, await Storage.Outbox.CountAsync(Token));
    }

    [Fact]
    public async Task CommandsTransitionAsync_WithOutbox_AddsTheRowsOnlyWhenTheTransitionHappens()
    {
        var meter = await AddMeterAsync(1);
        var command = await Storage.Commands.CreateAsync(new CommandRequest(meter.Id, CommandKind.Read, """{"registers":["1.0.1.8.0.255"]}""", "operator", T0, null, T0.AddHours(1), null), Token);

        var refused = await Storage.Commands.TransitionAsync(command.Id, CommandState.Sent, CommandState.Confirmed, T0, "{}", [Entry(1)], Token);
        var cancelled = await Storage.Commands.TransitionAsync(command.Id, CommandState.Requested, CommandState.Cancelled, T0, "{}", [Entry(2)], Token);

        Assert.False(refused);
        Assert.True(cancelled);
        Assert.Equal([Entry(2)], (await Storage.Outbox.ReadAsync(10, Token)).Select(m => m.Entry));
        Assert.Equal(CommandState.Cancelled, (await Storage.Commands.GetAsync(command.Id, Token))!.State);
    }

    [Fact]
    public async Task ClaimAsync_ClaimedRows_SkippedUntilTheirLeaseLapsesThenClaimedAgain()
    {
        await Storage.Outbox.AppendAsync([.. Enumerable.Range(0, 30).Select(i => Entry(i))], Token);

        var first = await Storage.Outbox.ClaimAsync(10, T0, T0.AddMinutes(2), Token);
        var second = await Storage.Outbox.ClaimAsync(100, T0.AddMinutes(1), T0.AddMinutes(3), Token);
        var none = await Storage.Outbox.ClaimAsync(100, T0.AddMinutes(1), T0.AddMinutes(3), Token);
        var lapsed = await Storage.Outbox.ClaimAsync(100, T0.AddMinutes(2), T0.AddMinutes(4), Token);

        Assert.Equal(Enumerable.Range(0, 10).Select(i => Entry(i)), first.Select(m => m.Entry));
        Assert.Equal(Enumerable.Range(10, 20).Select(i => Entry(i)), second.Select(m => m.Entry));
        Assert.Empty(none);
        Assert.Equal(first, lapsed);
        Assert.All(first, m => Assert.Equal(0, m.Attempts));
        Assert.Equal(30, await Storage.Outbox.CountAsync(Token));
    }

    [Fact]
    public async Task ReleaseAsync_Rows_ClaimableAgainFromNotBeforeWithTheAttemptCounted()
    {
        await Storage.Outbox.AppendAsync([.. Enumerable.Range(0, 4).Select(i => Entry(i))], Token);
        var claimed = await Storage.Outbox.ClaimAsync(10, T0, T0.AddMinutes(2), Token);

        await Storage.Outbox.ReleaseAsync([claimed[0].Sequence, claimed[1].Sequence], T0, Token);
        await Storage.Outbox.ReleaseAsync([claimed[2].Sequence, claimed[^1].Sequence + 100], T0.AddSeconds(30), Token);
        var now = await Storage.Outbox.ClaimAsync(10, T0, T0.AddMinutes(2), Token);
        var later = await Storage.Outbox.ClaimAsync(10, T0.AddSeconds(30), T0.AddMinutes(2), Token);

        Assert.Equal([claimed[0] with { Attempts = 1 }, claimed[1] with { Attempts = 1 }], now);
        Assert.Equal([claimed[2] with { Attempts = 1 }], later);
        Assert.Equal(claimed.Select(m => m.Entry), (await Storage.Outbox.ReadAsync(10, Token)).Select(m => m.Entry));
    }

    [Fact]
    public async Task ClaimAsync_ManyClaimersOnTwoHandles_NoRowClaimedTwice()
    {
        await Storage.Outbox.AppendAsync([.. Enumerable.Range(0, 2_000).Select(i => Entry(i))], Token);
        await using var other = await OpenAnotherAsync();
        var claimers = Enumerable.Range(0, 8).Select(c => Task.Run(async () =>
        {
            var store = c % 2 == 0 ? Storage.Outbox : other.Outbox;
            var mine = new List<long>();
            while (await store.ClaimAsync(25, T0, T0.AddMinutes(2), Token) is { Count: > 0 } rows)
            {
                mine.AddRange(rows.Select(r => r.Sequence));
            }

            return mine;
        }));

        var claimed = (await Task.WhenAll(claimers)).SelectMany(c => c).ToList();

        Assert.Equal(2_000, claimed.Count);
        Assert.Equal(2_000, claimed.Distinct().Count());
    }

    [Fact]
    public async Task CountAsync_Limit_CountsUpToTheLimit()
    {
        await Storage.Outbox.AppendAsync([.. Enumerable.Range(0, 120).Select(i => Entry(i))], Token);

        Assert.Equal(100, await Storage.Outbox.CountAsync(100, Token));
        Assert.Equal(120, await Storage.Outbox.CountAsync(121, Token));
        Assert.Equal(120, await Storage.Outbox.CountAsync(1_000_000, Token));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Storage.Outbox.CountAsync(0, Token));
    }

    [Fact]
    public async Task ReadAsync_LimitOutOfRange_Throws()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Storage.Outbox.ReadAsync(0, Token));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Storage.Outbox.ReadAsync(10_001, Token));
    }

    private static OutboxEntry Entry(int n) =>
        new($"reading:MTL{n:D8}:{n:x32}", NorthboundMessageType.Reading, $"reading.MTL{n:D8}", T0.AddMinutes(n).AddTicks(10), $$"""{"schema":1,"n":{{n}},"text":"ü€"}""");
}
