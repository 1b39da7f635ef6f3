using Meterline.HeadEnd.Commands;
using Meterline.HeadEnd.Communication;

namespace Meterline.HeadEnd.Tests.Commands;

public sealed class LoadLimitParametersTests
{
    private static readonly DateTimeOffset Now = CommandHarness.Start;

    [Fact]
    public void Decode_FullLimit_EveryFieldAndRoundTrips()
    {
        const string json = """{"normal":5000,"emergency":2000,"minOverSeconds":60,"minUnderSeconds":30,"unit":"W","emergencyProfile":{"id":7,"activateAt":"2026-01-01T18:00:00+05:30","durationSeconds":7200}}""";

        var parameters = Assert.IsType<LoadLimitParameters>(CommandParametersJson.Decode(CommandKind.LoadLimit, json));

        var expected = new LoadLimitParameters(
            new LimiterSettings(5000, 2000, 60, 30, new LimiterEmergencyProfile(7, new DateTimeOffset(2026, 1, 1, 18, 0, 0, TimeSpan.FromHours(5.5)), TimeSpan.FromHours(2))),
            "W");
        Assert.Equal(expected, parameters);
        Assert.Equal(expected, CommandParametersJson.Decode(CommandKind.LoadLimit, CommandParametersJson.Encode(parameters)));
    }

    [Fact]
    public void Decode_ReadOnly_NoSettings()
    {
        var parameters = Assert.IsType<LoadLimitParameters>(CommandParametersJson.Decode(CommandKind.LoadLimit, """{"read":true}"""));

        Assert.True(parameters.IsReadOnly);
        Assert.Equal(parameters, CommandParametersJson.Decode(CommandKind.LoadLimit, CommandParametersJson.Encode(parameters)));
    }

    [Theory]
    [InlineData("""{"normal":0,"minOverSeconds":0,"minUnderSeconds":0}""")]
    [InlineData("""{"normal":1000000,"emergency":1000000,"minOverSeconds":86400,"minUnderSeconds":86400}""")]
    [InlineData("""{"normal":5000,"emergency":1,"minOverSeconds":60,"minUnderSeconds":30,"unit":"VA","emergencyProfile":{"id":65535,"activateAt":"2026-01-01T00:00:00Z","durationSeconds":60}}""")]
    [InlineData("""{"normal":5000,"emergency":1,"minOverSeconds":60,"minUnderSeconds":30,"emergencyProfile":{"id":1,"activateAt":"2026-01-01T00:00:00Z","durationSeconds":604800}}""")]
    public async Task Request_AtTheBoundaries_Accepted(string json)
    {
        await using var h = new CommandHarness();
        var meter = await h.AddMeterAsync();

        var command = await h.RequestAsync(meter.Id, CommandParametersJson.Decode(CommandKind.LoadLimit, json));

        Assert.Equal(CommandKind.LoadLimit, command.Kind);
        Assert.Equal("command.load-limit.requested", Assert.Single(h.Audit.Entries).Action);
    }

    [Theory]
    [InlineData("""{"normal":1000001,"minOverSeconds":0,"minUnderSeconds":0}""", "normal")]
    [InlineData("""{"normal":-1,"minOverSeconds":0,"minUnderSeconds":0}""", "normal")]
    [InlineData("""{"normal":5.5,"minOverSeconds":0,"minUnderSeconds":0}""", "normal")]
    [InlineData("""{"normal":"5000","minOverSeconds":0,"minUnderSeconds":0}""", "normal")]
    [InlineData("""{"normal":5000,"emergency":1000001,"minOverSeconds":0,"minUnderSeconds":0}""", "emergency")]
    [InlineData("""{"normal":5000,"minOverSeconds":86401,"minUnderSeconds":0}""", "minOverSeconds")]
    [InlineData("""{"normal":5000,"minOverSeconds":0,"minUnderSeconds":86401}""", "minUnderSeconds")]
    [InlineData("""{"normal":5000,"minOverSeconds":0}""", "minUnderSeconds")]
    [InlineData("""{"normal":5000,"minOverSeconds":0,"minUnderSeconds":0,"unit":"kW"}""", "unit")]
    [InlineData("""{"normal":5000,"minOverSeconds":0,"minUnderSeconds":0,"phase":1}""", "phase")]
    [InlineData("""{"read":true,"normal":5000}""", "read")]
    [InlineData("""{}""", "normal")]
    [InlineData("""{"normal":5000,"minOverSeconds":0,"minUnderSeconds":0,"emergencyProfile":{"id":1,"activateAt":"2026-01-01T18:00:00Z","durationSeconds":3600}}""", "emergency")]
    [InlineData("""{"normal":5000,"emergency":2000,"minOverSeconds":0,"minUnderSeconds":0,"emergencyProfile":{"id":0,"activateAt":"2026-01-01T18:00:00Z","durationSeconds":3600}}""", "emergencyProfile.id")]
    [InlineData("""{"normal":5000,"emergency":2000,"minOverSeconds":0,"minUnderSeconds":0,"emergencyProfile":{"id":65536,"activateAt":"2026-01-01T18:00:00Z","durationSeconds":3600}}""", "emergencyProfile.id")]
    [InlineData("""{"normal":5000,"emergency":2000,"minOverSeconds":0,"minUnderSeconds":0,"emergencyProfile":{"id":1,"activateAt":"2026-01-01T18:00:00Z","durationSeconds":59}}""", "emergencyProfile.durationSeconds")]
    [InlineData("""{"normal":5000,"emergency":2000,"minOverSeconds":0,"minUnderSeconds":0,"emergencyProfile":{"id":1,"activateAt":"2026-01-01T18:00:00Z","durationSeconds":604801}}""", "emergencyProfile.durationSeconds")]
    [InlineData("""{"normal":5000,"emergency":2000,"minOverSeconds":0,"minUnderSeconds":0,"emergencyProfile":{"id":1,"activateAt":"18:00","durationSeconds":3600}}""", "emergencyProfile.activateAt")]
    [InlineData("""{"normal":5000,"emergency":2000,"minOverSeconds":0,"minUnderSeconds":0,"emergencyProfile":{"id":1,"durationSeconds":3600}}""", "emergencyProfile")]
    public void Decode_OutOfRangeOrMalformed_InvalidParametersNamingTheField(string json, string field)
    {
        var rejection = Assert.Throws<CommandRejectedException>(() => CommandParametersJson.Decode(CommandKind.LoadLimit, json));

        Assert.Equal(CommandRejection.InvalidParameters, rejection.Reason);
        Assert.Contains(field, rejection.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, 3600, "non-zero emergency")]
    [InlineData(2000, 3600, null)]
    public async Task Request_EmergencyThreshold_ZeroRefused(uint emergency, int seconds, string? error)
    {
        await using var h = new CommandHarness();
        var meter = await h.AddMeterAsync();
        var parameters = new LoadLimitParameters(new LimiterSettings(5000, emergency, 60, 30, new LimiterEmergencyProfile(1, Now.AddHours(1), TimeSpan.FromSeconds(seconds))));

        if (error is null)
        {
            Assert.Equal(CommandState.Requested, (await h.RequestAsync(meter.Id, parameters)).State);
        }
        else
        {
            var rejection = await Assert.ThrowsAsync<CommandRejectedException>(() => h.RequestAsync(meter.Id, parameters));
            Assert.Equal(CommandRejection.InvalidParameters, rejection.Reason);
            Assert.Contains(error, rejection.Message, StringComparison.Ordinal);
            Assert.Empty(h.Audit.Entries);
        }
    }

    [Fact]
    public async Task Request_EmergencyProfileAlreadyEnded_RefusedAndNothingStored()
    {
        await using var h = new CommandHarness();
        var meter = await h.AddMeterAsync();
        var ended = new LoadLimitParameters(new LimiterSettings(5000, 2000, 60, 30, new LimiterEmergencyProfile(1, Now.AddHours(-2), TimeSpan.FromHours(2))));
        var running = new LoadLimitParameters(new LimiterSettings(5000, 2000, 60, 30, new LimiterEmergencyProfile(1, Now.AddHours(-2), TimeSpan.FromHours(2) + TimeSpan.FromSeconds(1))));

        var rejection = await Assert.ThrowsAsync<CommandRejectedException>(() => h.RequestAsync(meter.Id, ended));

        Assert.Contains("already ended", rejection.Message, StringComparison.Ordinal);
        Assert.Empty(await h.Commands.GetForMeterAsync(meter.Id, 10));
        Assert.Equal(CommandState.Requested, (await h.RequestAsync(meter.Id, running)).State);
    }

    [Fact]
    public async Task Request_EmergencyProfileTooFarAheadOrOffTheSecond_Refused()
    {
        await using var h = new CommandHarness();
        var meter = await h.AddMeterAsync();
        var far = new LoadLimitParameters(new LimiterSettings(5000, 2000, 60, 30, new LimiterEmergencyProfile(1, Now.AddDays(367), TimeSpan.FromHours(2))));
        var fraction = new LoadLimitParameters(new LimiterSettings(5000, 2000, 60, 30, new LimiterEmergencyProfile(1, Now.AddHours(1).AddMilliseconds(500), TimeSpan.FromHours(2))));

        Assert.Contains("days ahead", (await Assert.ThrowsAsync<CommandRejectedException>(() => h.RequestAsync(meter.Id, far))).Message, StringComparison.Ordinal);
        Assert.Contains("whole second", (await Assert.ThrowsAsync<CommandRejectedException>(() => h.RequestAsync(meter.Id, fraction))).Message, StringComparison.Ordinal);
    }
}
