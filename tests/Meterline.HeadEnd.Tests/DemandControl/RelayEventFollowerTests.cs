using Meterline.HeadEnd.DemandControl;
using Meterline.HeadEnd.Ingest;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Tests.Ingest;

namespace Meterline.HeadEnd.Tests.DemandControl;

public sealed class RelayEventFollowerTests
{
    private static async Task<(PipelineHarness Harness, RelayEventFollower Follower, Task Running, CancellationTokenSource Stop)> StartAsync()
    {
        var h = await new PipelineHarness().StartAsync();
        var follower = new RelayEventFollower(h.Pipeline, h.Repository, h.Store, h.Time);
        var stop = new CancellationTokenSource();
        return (h, follower, follower.RunAsync(stop.Token), stop);
    }

    private static async Task StopAsync(PipelineHarness h, RelayEventFollower follower, Task running, CancellationTokenSource stop)
    {
        await stop.CancelAsync();
        await running.WaitAsync(TimeSpan.FromSeconds(10));
        follower.Dispose();
        stop.Dispose();
        await h.DisposeAsync();
    }

    [Fact]
    public async Task LimiterTrip_Event301_RegistryRelayReadyForReconnection()
    {
        var (h, follower, running, stop) = await StartAsync();
        await h.Repository.SetRelayStateAsync(h.Meter.Id, RelayState.Connected);
        h.Decoder.AlertCode = RelayEventFollower.LoadSwitchDisconnected;

        await h.SubmitAsync(1, PushKind.Alert);
        await TestMeterSetup.UntilAsync(() => follower.Updated == 1, h.Time);

        Assert.Equal(RelayState.ReadyForReconnection, (await h.Repository.GetAsync(h.Meter.Id))!.RelayState);
        await StopAsync(h, follower, running, stop);
    }

    [Fact]
    public async Task RemoteDisconnectConfirmedWhileItsEvent301IsFollowed_StaysDisconnected()
    {
        var (h, follower, running, stop) = await StartAsync();
        await h.Repository.SetRelayStateAsync(h.Meter.Id, RelayState.Connected);
        // The command's confirmation lands between the follower's read (Connected) and its write.
        h.Repository.AfterGet = id =>
        {
            h.Repository.AfterGet = null;
            return h.Repository.SetRelayStateAsync(id, RelayState.Disconnected);
        };
        h.Decoder.AlertCode = RelayEventFollower.LoadSwitchDisconnected;

        await h.SubmitAsync(1, PushKind.Alert);
        await TestMeterSetup.UntilAsync(() => follower.Superseded == 1, h.Time);

        Assert.Equal(RelayState.Disconnected, (await h.Repository.GetAsync(h.Meter.Id))!.RelayState);
        Assert.Equal(0, follower.Updated);
        await StopAsync(h, follower, running, stop);
    }

    [Fact]
    public async Task RemoteDisconnectRecorded_Event301_StaysDisconnected_Then302Connected()
    {
        var (h, follower, running, stop) = await StartAsync();
        await h.Repository.SetRelayStateAsync(h.Meter.Id, RelayState.Disconnected);
        h.Decoder.AlertCode = RelayEventFollower.LoadSwitchDisconnected;
        await h.SubmitAsync(1, PushKind.Alert);
        await TestMeterSetup.UntilAsync(() => h.Store.GetEventsAsync(h.Meter.Id, DateTimeOffset.MinValue, DateTimeOffset.MaxValue, 10).Result.Count == 1, h.Time);
        h.Decoder.AlertCode = RelayEventFollower.LoadSwitchConnected;

        await h.SubmitAsync(2, PushKind.Alert);
        await TestMeterSetup.UntilAsync(() => h.Repository.GetAsync(h.Meter.Id).Result!.RelayState == RelayState.Connected, h.Time);

        // Had 301 moved the recorded remote disconnect to ReadyForReconnection, 302 would have been a second update.
        Assert.Equal(1, follower.Updated);
        await StopAsync(h, follower, running, stop);
    }

    [Fact]
    public async Task Event301LostByTheFeed_ReadBackFromTheStoreForItsMeter_RegistryReadyForReconnection()
    {
        await using var h = await new PipelineHarness(new IngestPipelineOptions { SubscriberCapacity = 2 }).StartAsync(run: false);
        using var follower = new RelayEventFollower(h.Pipeline, h.Repository, h.Store, h.Time);
        await h.Repository.SetRelayStateAsync(h.Meter.Id, RelayState.Connected);
        h.Decoder.AlertCode = RelayEventFollower.LoadSwitchDisconnected;
        await h.SubmitAsync(1, PushKind.Alert);
        for (uint i = 2; i <= 5; i++)
        {
            await h.SubmitAsync(i);
        }

        // The feed keeps the last two records: the switch event is among those it lost, and it names the meter.
        h.Run();
        await TestMeterSetup.UntilAsync(() => h.Store.GetEventsAsync(h.Meter.Id, DateTimeOffset.MinValue, DateTimeOffset.MaxValue, 10).Result.Count == 1, h.Time);
        await h.UntilStoredAsync(4);
        await TestMeterSetup.UntilAsync(() => follower.Dropped >= 1, h.Time);
        using var stop = new CancellationTokenSource();
        var running = follower.RunAsync(stop.Token);

        await TestMeterSetup.UntilAsync(() => follower.Updated == 1, h.Time);

        Assert.Equal(RelayState.ReadyForReconnection, (await h.Repository.GetAsync(h.Meter.Id))!.RelayState);
        Assert.Equal(1, follower.LostMetersRead);
        Assert.Equal(0, follower.Follower.FullPasses);
        await stop.CancelAsync();
        await running.WaitAsync(TimeSpan.FromSeconds(10));
    }
}
