using Meterline.HeadEnd.DemandControl;

namespace Meterline.Cli.Tests.Api;

/// <summary>`meterline load-limits` in process against a running head-end and its simulated meters.</summary>
public sealed class CliLoadLimitsTests(CliHeadEnd headEnd) : IClassFixture<CliHeadEnd>, IAsyncLifetime
{
    public Task InitializeAsync() => headEnd.EnsureImportedAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task LoadLimitsSetListCancel_OneMeter_StoredListedCancelledAndAudited()
    {
        var set = await Cli.RunAsync("load-limits", "set", "--meter", "MTL00000005", "--normal", "3500", "--min-over", "90", "--server", headEnd.Server, "--token", headEnd.Token);

        Assert.True(set.Code == 0, set.Output + set.Error);
        Assert.Contains("meter MTL00000005, 1 meters, normal 3500 W, requested", set.Output, StringComparison.Ordinal);
        var limit = (await headEnd.Node.DemandControl.ListAsync(null, 1))[0];
        Assert.Equal((DemandLimitTargetKind.Meter, "MTL00000005", 3500u, 90u), (limit.TargetKind, limit.Target, limit.LoadLimit.Settings!.NormalThreshold, limit.LoadLimit.Settings.MinOverThresholdDuration));

        var listed = await Cli.RunAsync("load-limits", "list", "--active", "--server", headEnd.Server, "--token", headEnd.Token);
        Assert.True(listed.Code == 0, listed.Output + listed.Error);
        Assert.Contains("meter MTL00000005", listed.Output, StringComparison.Ordinal);
        Assert.Contains("active", listed.Output, StringComparison.Ordinal);

        var cancelled = await Cli.RunAsync("load-limits", "cancel", limit.Id.ToString(), "--reason", "peak over", "--server", headEnd.Server, "--token", headEnd.Token);
        Assert.True(cancelled.Code == 0, cancelled.Output + cancelled.Error);
        Assert.Contains($"limit {limit.Id}: cancelled by", cancelled.Output, StringComparison.Ordinal);
        var stored = (await headEnd.Node.Storage.DemandLimits.GetAsync(limit.Id))!;
        Assert.Equal("peak over", stored.CancelReason);

        var after = await Cli.RunAsync("load-limits", "list", "--active", "--server", headEnd.Server, "--token", headEnd.Token);
        Assert.DoesNotContain("meter MTL00000005", after.Output, StringComparison.Ordinal);
        var audit = await headEnd.Node.Storage.Audit.GetRecentAsync("meter:MTL00000005", 20);
        Assert.Contains(audit, r => r.Action == DemandAuditActions.LimitRequested);
        Assert.Contains(audit, r => r.Action == DemandAuditActions.LimitCancelled);
    }

    [Fact]
    public async Task LoadLimitsSet_NoTargetOrTwo_UsageErrorNothingStored()
    {
        var before = (await headEnd.Node.DemandControl.ListAsync(null, 100)).Count;

        var none = await Cli.RunAsync("load-limits", "set", "--normal", "3500", "--server", headEnd.Server, "--token", headEnd.Token);
        var two = await Cli.RunAsync("load-limits", "set", "--meter", "MTL00000005", "--feeder", "F1", "--normal", "3500", "--server", headEnd.Server, "--token", headEnd.Token);
        var unknown = await Cli.RunAsync("load-limits", "set", "--meter", "NOSUCHMETER", "--normal", "3500", "--server", headEnd.Server, "--token", headEnd.Token);

        Assert.Equal(1, none.Code);
        Assert.Equal(1, two.Code);
        Assert.NotEqual(0, unknown.Code);
        Assert.Contains("unknown-meter", unknown.Error, StringComparison.Ordinal);
        Assert.Equal(before, (await headEnd.Node.DemandControl.ListAsync(null, 100)).Count);
    }
}
