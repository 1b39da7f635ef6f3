using Meterline.HeadEnd.Commands;
using Meterline.HeadEnd.Communication;

namespace Meterline.HeadEnd.Tests.Commands;

/// <summary>LoadLimit through the dispatcher and executor against the test connector's meters.</summary>
public sealed class LoadLimitCommandTests
{
    private static readonly LimiterSettings Limit = new(5000, 2000, 60, 30, null);

    [Fact]
    public async Task LoadLimit_ReadsBackAsWritten_ConfirmedAndStoredAsTheMetersLimiter()
    {
        await using var h = new CommandHarness();
        var meter = await h.AddMeterAsync();
        h.StartDispatcher();

        var command = await h.RequestAsync(meter.Id, new LoadLimitParameters(Limit, "W"));
        var done = await h.WaitForAsync(command.Id, CommandState.Confirmed);

        Assert.Equal(["read_limiter", "write_limiter", "read_limiter"], h.Connector[meter.Id].Actions);
        Assert.Contains("\"normal\":5000", done.Result, StringComparison.Ordinal);
        var stored = await h.Limiters.GetAsync(meter.Id);
        Assert.NotNull(stored);
        Assert.Equal(Limit, stored.Reading.Settings);
        Assert.Equal(command.Id, stored.Command);
        Assert.Contains(h.Audit.Entries, e => e.Action == "command.load-limit.confirmed");
    }

    [Fact]
    public async Task LoadLimit_ReadBackDiffers_FailedAndNotStored()
    {
        await using var h = new CommandHarness();
        var meter = await h.AddMeterAsync();
        h.Connector[meter.Id].IgnoreLimiterWrites = true;
        h.StartDispatcher();

        var command = await h.RequestAsync(meter.Id, new LoadLimitParameters(Limit));
        var done = await h.WaitForAsync(command.Id, CommandState.Failed);

        Assert.Contains("does not read back as written", done.Result, StringComparison.Ordinal);
        Assert.Null(await h.Limiters.GetAsync(meter.Id));
    }

    [Fact]
    public async Task LoadLimit_UnitIsNotTheMonitoredValues_FailedWithNothingWritten()
    {
        await using var h = new CommandHarness();
        var meter = await h.AddMeterAsync();
        h.StartDispatcher();

        var command = await h.RequestAsync(meter.Id, new LoadLimitParameters(Limit, "VA"));
        var done = await h.WaitForAsync(command.Id, CommandState.Failed);

        Assert.Contains("limits in W, not VA", done.Result, StringComparison.Ordinal);
        Assert.Equal(["read_limiter"], h.Connector[meter.Id].Actions);
    }

    [Fact]
    public async Task LoadLimit_ReadOnly_ConfirmedWithTheMetersSettingsAndNothingWritten()
    {
        await using var h = new CommandHarness();
        var meter = await h.AddMeterAsync();
        h.Connector[meter.Id].Limiter = new LimiterReading(Limit, "W", 5000, false);
        h.StartDispatcher();

        var command = await h.RequestAsync(meter.Id, new LoadLimitParameters(null));
        await h.WaitForAsync(command.Id, CommandState.Confirmed);

        Assert.Equal(["read_limiter"], h.Connector[meter.Id].Actions);
        Assert.Equal(Limit, (await h.Limiters.GetAsync(meter.Id))!.Reading.Settings);
    }
}
