using Meterline.HeadEnd.Commands;
using Meterline.HeadEnd.Meters;
using Meterline.Storage.Tests.Support;

namespace Meterline.Storage.Tests.Ports;

/// <summary>Commands: creation, idempotency keys and compare-and-set transitions, run against each engine.</summary>
public abstract class CommandStoreTests : StorageTestBase
{
    [Fact]
    public async Task CreateAsync_RoundTripsEveryField()
    {
        var meter = await AddMeterAsync(1);
        var request = new CommandRequest(meter.Id, CommandKind.ActivityCalendar, """{"name":"summer","switches":[["06:00",1]]}""", "operator:asha",
            T0.AddTicks(30), T0.AddHours(1), T0.AddHours(2).AddTicks(70), "client-key-1");

        var created = await Storage.Commands.CreateAsync(request, Token);

        var expected = new CommandRecord(created.Id, meter.Id, CommandKind.ActivityCalendar, request.Parameters, CommandState.Requested, "operator:asha",
            T0.AddTicks(30), T0.AddHours(1), T0.AddHours(2).AddTicks(70), null, null, null, "client-key-1");
        Assert.Equal(expected, created);
        Assert.Equal(expected, await Storage.Commands.GetAsync(created.Id, Token));
        Assert.Null(await Storage.Commands.GetAsync(new CommandId(created.Id.Value + 1), Token));
    }

    [Fact]
    public async Task CreateAsync_SameIdempotencyKey_ReturnsTheFirstCommandAndStoresOnce()
    {
        var meter = await AddMeterAsync(1);
        var first = await Storage.Commands.CreateAsync(Request(meter.Id, "k") with { Kind = CommandKind.Disconnect }, Token);

        var second = await Storage.Commands.CreateAsync(Request(meter.Id, "k") with { Kind = CommandKind.Connect, RequestedBy = "someone else" }, Token);
        var unkeyed1 = await Storage.Commands.CreateAsync(Request(meter.Id, null), Token);
        var unkeyed2 = await Storage.Commands.CreateAsync(Request(meter.Id, null), Token);

        Assert.Equal(first, second);
        Assert.Equal(CommandKind.Disconnect, second.Kind);
        Assert.NotEqual(unkeyed1.Id, unkeyed2.Id);
        Assert.Equal(3, (await Storage.Commands.GetForMeterAsync(meter.Id, 100, Token)).Count);
    }

    [Fact]
    public async Task CreateAsync_ConcurrentRequestsWithOneKey_StoreExactlyOneCommand()
    {
        var meter = await AddMeterAsync(1);

        var results = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => Task.Run(() => Storage.Commands.CreateAsync(Request(meter.Id, "burst"), Token))));

        Assert.Single(results.Select(r => r.Id).Distinct());
        Assert.Single(await Storage.Commands.GetForMeterAsync(meter.Id, 100, Token));
    }

    [Fact]
    public async Task CreateAsync_UnknownMeter_ThrowsKeyNotFoundException()
    {
        await Assert.ThrowsAsync<KeyNotFoundException>(() => Storage.Commands.CreateAsync(Request(new MeterId(5), null), Token));
        Assert.Empty(await Storage.Commands.GetByStateAsync([CommandState.Requested], 10, Token));
    }

    [Fact]
    public async Task CreateAsync_InvalidRequest_ThrowsArgumentExceptionAndStoresNothing()
    {
        var meter = await AddMeterAsync(1);

        await Assert.ThrowsAsync<ArgumentException>(() => Storage.Commands.CreateAsync(Request(meter.Id, null) with { Parameters = new string('x', CommandRecord.MaxParametersLength + 1) }, Token));
        await Assert.ThrowsAsync<ArgumentException>(() => Storage.Commands.CreateAsync(Request(meter.Id, null) with { RequestedBy = "" }, Token));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Storage.Commands.CreateAsync(Request(meter.Id, null) with { Kind = (CommandKind)99 }, Token));

        Assert.Empty(await Storage.Commands.GetForMeterAsync(meter.Id, 10, Token));
    }

    [Fact]
    public async Task TransitionAsync_ThroughTheLifecycle_SetsTimesAndResult()
    {
        var meter = await AddMeterAsync(1);
        var command = await Storage.Commands.CreateAsync(Request(meter.Id, null), Token);

        Assert.True(await Storage.Commands.TransitionAsync(command.Id, CommandState.Requested, CommandState.Sent, T0.AddMinutes(1), null, Token));
        var sent = await Storage.Commands.GetAsync(command.Id, Token);
        Assert.Equal(command with { State = CommandState.Sent, SentAt = T0.AddMinutes(1) }, sent);

        Assert.True(await Storage.Commands.TransitionAsync(command.Id, CommandState.Sent, CommandState.Confirmed, T0.AddMinutes(2), """{"relay":"connected"}""", Token));
        var done = await Storage.Commands.GetAsync(command.Id, Token);
        Assert.Equal(sent! with { State = CommandState.Confirmed, CompletedAt = T0.AddMinutes(2), Result = """{"relay":"connected"}""" }, done);
        Assert.True(done!.IsFinal);
    }

    [Fact]
    public async Task TransitionAsync_NotInExpectedState_ReturnsFalseAndChangesNothing()
    {
        var meter = await AddMeterAsync(1);
        var command = await Storage.Commands.CreateAsync(Request(meter.Id, null), Token);

        Assert.False(await Storage.Commands.TransitionAsync(command.Id, CommandState.Sent, CommandState.Confirmed, T0, "x", Token));
        Assert.False(await Storage.Commands.TransitionAsync(new CommandId(404), CommandState.Requested, CommandState.Sent, T0, null, Token));

        Assert.Equal(command, await Storage.Commands.GetAsync(command.Id, Token));
    }

    [Fact]
    public async Task TransitionAsync_IllegalEdge_ThrowsArgumentExceptionAndChangesNothing()
    {
        var meter = await AddMeterAsync(1);
        var command = await Storage.Commands.CreateAsync(Request(meter.Id, null), Token);

        await Assert.ThrowsAsync<ArgumentException>(() => Storage.Commands.TransitionAsync(command.Id, CommandState.Requested, CommandState.Confirmed, T0, null, Token));
        await Assert.ThrowsAsync<ArgumentException>(() => Storage.Commands.TransitionAsync(command.Id, CommandState.Confirmed, CommandState.Requested, T0, null, Token));

        Assert.Equal(command, await Storage.Commands.GetAsync(command.Id, Token));
    }

    [Fact]
    public async Task TransitionAsync_ConcurrentFromTheSameState_ExactlyOneWins()
    {
        var meter = await AddMeterAsync(1);
        await using var otherNode = await OpenAnotherAsync();
        var command = await Storage.Commands.CreateAsync(Request(meter.Id, null), Token);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(() =>
            (i % 2 == 0 ? Storage : otherNode).Commands.TransitionAsync(command.Id, CommandState.Requested, i % 3 == 0 ? CommandState.Cancelled : CommandState.Sent, T0.AddSeconds(i), $"worker {i}", Token))));

        Assert.Equal(1, outcomes.Count(won => won));
        var winner = Array.IndexOf(outcomes, true);
        var stored = await Storage.Commands.GetAsync(command.Id, Token);
        Assert.Equal($"worker {winner}", stored!.Result);
        Assert.Equal(winner % 3 == 0 ? CommandState.Cancelled : CommandState.Sent, stored.State);
    }

    [Fact]
    public async Task GetByStateAsync_OldestFirstUpToLimit_GetForMeterAsync_NewestFirst()
    {
        var a = await AddMeterAsync(1);
        var b = await AddMeterAsync(2);
        var ids = new List<CommandId>();
        for (var i = 0; i < 6; i++)
        {
            ids.Add((await Storage.Commands.CreateAsync(Request(i % 2 == 0 ? a.Id : b.Id, null), Token)).Id);
        }

        await Storage.Commands.TransitionAsync(ids[0], CommandState.Requested, CommandState.Sent, T0, null, Token);
        await Storage.Commands.TransitionAsync(ids[1], CommandState.Requested, CommandState.Cancelled, T0, null, Token);

        Assert.Equal(ids.Skip(2).Take(3), (await Storage.Commands.GetByStateAsync([CommandState.Requested], 3, Token)).Select(c => c.Id));
        Assert.Equal([ids[0], ids[2], ids[3], ids[4], ids[5]], (await Storage.Commands.GetByStateAsync([CommandState.Sent, CommandState.Requested, CommandState.Sent], 100, Token)).Select(c => c.Id));
        Assert.Empty(await Storage.Commands.GetByStateAsync([], 100, Token));
        Assert.Equal([ids[4], ids[2]], (await Storage.Commands.GetForMeterAsync(a.Id, 2, Token)).Select(c => c.Id));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Storage.Commands.GetForMeterAsync(a.Id, 0, Token));
    }

    [Fact]
    public async Task ListAsync_FilteredAndPagedByBefore_NewestFirstEachOnce()
    {
        var a = await AddMeterAsync(1);
        var b = await AddMeterAsync(2);
        var ids = new List<CommandId>();
        for (var i = 0; i < 7; i++)
        {
            ids.Add((await Storage.Commands.CreateAsync(Request(i % 2 == 0 ? a.Id : b.Id, null), Token)).Id);
        }

        await Storage.Commands.TransitionAsync(ids[2], CommandState.Requested, CommandState.Cancelled, T0, null, Token);
        await Storage.Commands.TransitionAsync(ids[4], CommandState.Requested, CommandState.Sent, T0, null, Token);

        Assert.Equal(ids.AsEnumerable().Reverse(), (await Storage.Commands.ListAsync(null, null, null, 100, Token)).Select(c => c.Id));
        Assert.Equal([ids[6], ids[4], ids[2], ids[0]], (await Storage.Commands.ListAsync(a.Id, null, null, 100, Token)).Select(c => c.Id));
        Assert.Equal([ids[6], ids[0]], (await Storage.Commands.ListAsync(a.Id, CommandState.Requested, null, 100, Token)).Select(c => c.Id));
        Assert.Equal([ids[2]], (await Storage.Commands.ListAsync(null, CommandState.Cancelled, null, 100, Token)).Select(c => c.Id));
        var first = await Storage.Commands.ListAsync(null, null, null, 3, Token);
        var second = await Storage.Commands.ListAsync(null, null, first[^1].Id, 3, Token);
        var third = await Storage.Commands.ListAsync(null, null, second[^1].Id, 3, Token);
        Assert.Equal(ids.AsEnumerable().Reverse(), first.Concat(second).Concat(third).Select(c => c.Id));
        Assert.Empty(await Storage.Commands.ListAsync(b.Id, null, ids[1], 10, Token));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Storage.Commands.ListAsync(null, null, null, 0, Token));
    }

    private static CommandRequest Request(MeterId meter, string? key) =>
        new(meter, CommandKind.Read, """{"registers":["1.0.1.8.0.255"]}""", "operator:ravi", T0, null, T0.AddMinutes(10), key);
}
