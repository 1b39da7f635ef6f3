using Meterline.HeadEnd.Commands;
using Meterline.HeadEnd.Communication;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Readings;

namespace Meterline.HeadEnd.Tests.Commands;

public sealed class CommandServiceTests
{
    private static readonly DateTimeOffset Now = CommandHarness.Start;

    [Fact]
    public async Task Request_Disconnect_AuditedBeforeTheRowIsCreated()
    {
        await using var h = new CommandHarness();
        var meter = await h.AddMeterAsync();
        var rowsWhenAudited = -1;
        h.Audit.BeforeAppend = _ => rowsWhenAudited = h.Commands.GetForMeterAsync(meter.Id, 10).Result.Count;

        var command = await h.RequestAsync(meter.Id, new DisconnectParameters());

        Assert.Equal(0, rowsWhenAudited);
        var entry = Assert.Single(h.Audit.Entries);
        Assert.Equal(("operator-1", "command.disconnect.requested", "MTL00001"), (entry.Actor, entry.Action, entry.Subject));
        Assert.Equal(CommandState.Requested, command.State);
        Assert.Equal(Now + TimeSpan.FromMinutes(5), command.Deadline);
        Assert.Equal("operator-1", command.RequestedBy);
    }

    [Fact]
    public async Task Request_NotBefore_DeadlineCountsFromIt()
    {
        await using var h = new CommandHarness();
        var meter = await h.AddMeterAsync();

        var command = await h.RequestAsync(meter.Id, new TimeSyncParameters(), Now.AddHours(2));

        Assert.Equal(Now.AddHours(2) + TimeSpan.FromMinutes(5), command.Deadline);
        Assert.Equal(Now.AddHours(2), command.NotBefore);
    }

    [Fact]
    public async Task Request_SameIdempotencyKey_ReturnsTheFirstCommand()
    {
        await using var h = new CommandHarness();
        var meter = await h.AddMeterAsync();

        var first = await h.RequestAsync(meter.Id, new DisconnectParameters(), key: "op-42");
        var second = await h.RequestAsync(meter.Id, new DisconnectParameters(), key: "op-42");

        Assert.Equal(first.Id, second.Id);
        Assert.Single(await h.Commands.GetForMeterAsync(meter.Id, 10));
    }

    [Fact]
    public async Task Request_IdempotencyKeyReusedForAnotherCommand_Rejected()
    {
        await using var h = new CommandHarness();
        var meter = await h.AddMeterAsync();
        await h.RequestAsync(meter.Id, new DisconnectParameters(), key: "op-42");

        var e = await Assert.ThrowsAsync<CommandRejectedException>(() => h.RequestAsync(meter.Id, new ConnectParameters(), key: "op-42"));

        Assert.Equal(CommandRejection.IdempotencyKeyReused, e.Reason);
        Assert.Single(await h.Commands.GetForMeterAsync(meter.Id, 10));
    }

    [Fact]
    public async Task Request_UnknownMeter_RejectedAndNothingAuditedOrStored()
    {
        await using var h = new CommandHarness();

        var e = await Assert.ThrowsAsync<CommandRejectedException>(() => h.RequestAsync(new MeterId(77), new DisconnectParameters()));

        Assert.Equal(CommandRejection.UnknownMeter, e.Reason);
        Assert.Empty(h.Audit.Entries);
        Assert.Empty(await h.Commands.GetByStateAsync([CommandState.Requested], 10));
    }

    [Fact]
    public async Task Request_NoEndpoint_Rejected()
    {
        await using var h = new CommandHarness();
        var meter = await h.Meters.AddAsync(new MeterRegistration("MTL9", new MeterSystemTitle(9), "p"));

        var e = await Assert.ThrowsAsync<CommandRejectedException>(() => h.RequestAsync(meter.Id, new TimeSyncParameters()));

        Assert.Equal(CommandRejection.NoEndpoint, e.Reason);
        Assert.Empty(h.Audit.Entries);
    }

    [Theory]
    [InlineData(CommandKind.Disconnect)]
    [InlineData(CommandKind.Connect)]
    [InlineData(CommandKind.Read)]
    [InlineData(CommandKind.TimeSync)]
    public async Task Request_CompromisedKeys_RejectedForAllButKeyRotation(CommandKind kind)
    {
        await using var h = new CommandHarness();
        var meter = await h.AddMeterAsync();
        await h.Meters.SetKeyStatusAsync(meter.Id, KeyStatus.Compromised);
        CommandParameters parameters = kind switch
        {
            CommandKind.Disconnect => new DisconnectParameters(),
            CommandKind.Connect => new ConnectParameters(),
            CommandKind.Read => new ReadParameters([Quantity.CumulativeImportEnergy]),
            _ => new TimeSyncParameters(),
        };

        var e = await Assert.ThrowsAsync<CommandRejectedException>(() => h.RequestAsync(meter.Id, parameters));
        var rotation = await h.RequestAsync(meter.Id, new KeyRotationParameters());

        Assert.Equal(CommandRejection.KeysCompromised, e.Reason);
        Assert.Equal(CommandKind.KeyRotation, rotation.Kind);
        Assert.Equal(["command.key-rotation.requested"], h.Audit.Actions);
    }

    [Fact]
    public async Task Request_KeyRotationWhileRotating_Rejected()
    {
        await using var h = new CommandHarness();
        var meter = await h.AddMeterAsync();
        await h.Meters.SetKeyStatusAsync(meter.Id, KeyStatus.Rotating);

        var e = await Assert.ThrowsAsync<CommandRejectedException>(() => h.RequestAsync(meter.Id, new KeyRotationParameters()));

        Assert.Equal(CommandRejection.KeyRotationInProgress, e.Reason);
    }

    public static TheoryData<string, TariffCalendar> BadCalendars => new()
    {
        { "no switches", new TariffCalendar("TOU", [], Now.AddDays(1)) },
        { "nine switches", new TariffCalendar("TOU", Enumerable.Range(0, 9).Select(i => new TariffSwitch(new TimeOnly(i, 0), 1)).ToList(), Now.AddDays(1)) },
        { "zone 0", new TariffCalendar("TOU", [new TariffSwitch(new TimeOnly(0, 0), 0)], Now.AddDays(1)) },
        { "zone 9", new TariffCalendar("TOU", [new TariffSwitch(new TimeOnly(0, 0), 9)], Now.AddDays(1)) },
        { "descending", new TariffCalendar("TOU", [new TariffSwitch(new TimeOnly(6, 0), 1), new TariffSwitch(new TimeOnly(5, 0), 2)], Now.AddDays(1)) },
        { "equal starts", new TariffCalendar("TOU", [new TariffSwitch(new TimeOnly(6, 0), 1), new TariffSwitch(new TimeOnly(6, 0), 2)], Now.AddDays(1)) },
        { "seconds", new TariffCalendar("TOU", [new TariffSwitch(new TimeOnly(6, 0, 30), 1)], Now.AddDays(1)) },
        { "long name", new TariffCalendar("ABCDEFGHIJKLMNOPQ", [new TariffSwitch(new TimeOnly(0, 0), 1)], Now.AddDays(1)) },
        { "empty name", new TariffCalendar("", [new TariffSwitch(new TimeOnly(0, 0), 1)], Now.AddDays(1)) },
        { "activation past", new TariffCalendar("TOU", [new TariffSwitch(new TimeOnly(0, 0), 1)], Now.AddMinutes(-1)) },
        { "activation too far", new TariffCalendar("TOU", [new TariffSwitch(new TimeOnly(0, 0), 1)], Now.AddDays(400)) },
    };

    [Theory]
    [MemberData(nameof(BadCalendars))]
    public async Task Request_MalformedCalendar_RejectedAsInvalidParameters(string why, TariffCalendar calendar)
    {
        await using var h = new CommandHarness();
        var meter = await h.AddMeterAsync();

        var e = await Assert.ThrowsAsync<CommandRejectedException>(() => h.RequestAsync(meter.Id, new ActivityCalendarParameters(calendar)));

        Assert.True(e.Reason == CommandRejection.InvalidParameters, why);
        Assert.Empty(h.Audit.Entries);
    }

    [Fact]
    public async Task Request_ValidCalendar_StoredAsJsonThatDecodesToTheSameCalendar()
    {
        await using var h = new CommandHarness();
        var meter = await h.AddMeterAsync();
        var calendar = new TariffCalendar("TOU-2026", [new TariffSwitch(new TimeOnly(0, 0), 1), new TariffSwitch(new TimeOnly(6, 0), 2), new TariffSwitch(new TimeOnly(18, 30), 3)], Now.AddDays(1));

        var command = await h.RequestAsync(meter.Id, new ActivityCalendarParameters(calendar));

        Assert.Equal(new ActivityCalendarParameters(calendar), CommandParametersJson.Decode(CommandKind.ActivityCalendar, command.Parameters));
    }

    public static TheoryData<string, ReadParameters> BadReads => new()
    {
        { "nothing asked", new ReadParameters([]) },
        { "range reversed", new ReadParameters([], Now.AddHours(-1), Now.AddHours(-2)) },
        { "range too wide", new ReadParameters([], Now.AddDays(-40), Now) },
        { "range in the future", new ReadParameters([], Now.AddHours(1), Now.AddHours(2)) },
        { "half a range", new ReadParameters([], Now.AddHours(-1)) },
        { "duplicate quantity", new ReadParameters([Quantity.CumulativeImportEnergy, Quantity.CumulativeImportEnergy]) },
        { "unknown quantity", new ReadParameters([new Quantity(999)]) },
    };

    [Theory]
    [MemberData(nameof(BadReads))]
    public async Task Request_MalformedRead_RejectedAsInvalidParameters(string why, ReadParameters read)
    {
        await using var h = new CommandHarness();
        var meter = await h.AddMeterAsync();

        var e = await Assert.ThrowsAsync<CommandRejectedException>(() => h.RequestAsync(meter.Id, read));

        Assert.True(e.Reason == CommandRejection.InvalidParameters, why);
        Assert.Empty(await h.Commands.GetForMeterAsync(meter.Id, 10));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("bad\nactor")]
    public async Task Request_BadActor_RejectedAsInvalidRequest(string actor)
    {
        await using var h = new CommandHarness();
        var meter = await h.AddMeterAsync();

        var e = await Assert.ThrowsAsync<CommandRejectedException>(() => h.Service.RequestAsync(new CommandSubmission(meter.Id, new DisconnectParameters(), actor)));

        Assert.Equal(CommandRejection.InvalidRequest, e.Reason);
    }

    [Fact]
    public async Task Cancel_Requested_AuditedAndCancelled_SecondCancelFalse()
    {
        await using var h = new CommandHarness();
        var meter = await h.AddMeterAsync();
        var command = await h.RequestAsync(meter.Id, new DisconnectParameters());

        Assert.True(await h.Service.CancelAsync(command.Id, "operator-2"));
        Assert.False(await h.Service.CancelAsync(command.Id, "operator-2"));

        Assert.Equal(CommandState.Cancelled, (await h.Commands.GetAsync(command.Id))!.State);
        Assert.Equal(["command.disconnect.requested", "command.disconnect.cancelled"], h.Audit.Actions);
    }

    [Theory]
    [InlineData(CommandKind.Read, "{\"quantities\":[\"9.9.9.9.9.9\"]}")]
    [InlineData(CommandKind.Read, "{\"profile\":{\"from\":\"2026-01-01T00:00:00Z\"}}")]
    [InlineData(CommandKind.Read, "{\"extra\":1}")]
    [InlineData(CommandKind.Read, "[]")]
    [InlineData(CommandKind.Disconnect, "{\"force\":true}")]
    [InlineData(CommandKind.ActivityCalendar, "{\"name\":\"T\",\"switches\":[{\"start\":\"25:00\",\"zone\":1}],\"activateAt\":\"2026-01-02T00:00:00Z\"}")]
    [InlineData(CommandKind.ActivityCalendar, "{\"name\":\"T\",\"switches\":[]}")]
    [InlineData(CommandKind.TimeSync, "not json")]
    [InlineData(CommandKind.Read, "{\"quantities\":[[[[[[[[[[1]]]]]]]]]]}")]
    public void Decode_Malformed_InvalidParameters(CommandKind kind, string json)
    {
        var e = Assert.Throws<CommandRejectedException>(() => CommandParametersJson.Decode(kind, json));

        Assert.Equal(CommandRejection.InvalidParameters, e.Reason);
    }

    [Fact]
    public void EncodeDecode_Read_RoundTrips()
    {
        var read = new ReadParameters([Quantity.CumulativeImportEnergy, Quantity.ImportInZone(3)], Now.AddHours(-2), Now);

        Assert.Equal(read, CommandParametersJson.Decode(CommandKind.Read, CommandParametersJson.Encode(read)));
    }
}
