using Meterline.HeadEnd.Communication;
using Meterline.HeadEnd.Dlms.Commands;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Testing;

namespace Meterline.HeadEnd.Dlms.Tests.Commands;

/// <summary>
/// Two users of one connector (the dispatcher and back-fill) reaching the same meter at once. Each session reserves
/// its own counter block, and the meter accepts only counters above the last one it saw from the head-end: sessions
/// that overlapped would have the older one refused, so the connector runs one session per meter at a time.
/// </summary>
public sealed class DlmsMeterConnectorConcurrencyTests
{
    private static DlmsMeterConnector Connector(ServedMeter meter) =>
        new(meter.Keyring, new InMemoryCounterStore(), new DlmsMeterConnectorOptions
        {
            SystemTitle = ServedMeter.HeadEndTitle,
            Profiles = new Dictionary<string, Meterline.Dlms.Profiles.MeterProfile> { [ServedMeter.Profile.Id] = ServedMeter.Profile },
        });

    [Fact]
    public async Task OpenAsync_SecondSessionWithTheSameMeter_WaitsForTheFirstAndTheMeterRefusesNoCounter()
    {
        await using var meter = new ServedMeter();
        var connector = Connector(meter);
        var first = await connector.OpenAsync(meter.Entry()).WaitAsync(ServedMeter.Timeout);
        var second = connector.OpenAsync(meter.Entry());

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(RelayState.Connected, await first.ReadRelayStateAsync().WaitAsync(ServedMeter.Timeout));
        }

        Assert.False(second.IsCompleted);
        await first.DisposeAsync();
        await using (var next = await second.WaitAsync(ServedMeter.Timeout))
        {
            Assert.Equal(RelayState.Connected, await next.ReadRelayStateAsync().WaitAsync(ServedMeter.Timeout));
        }

        Assert.Equal(0, meter.SmartMeter.ClientCounterRefusals);
    }

    [Fact]
    public async Task OpenAsync_CancelledWhileWaitingForTheMeter_ThrowsAndLeavesTheMeterFree()
    {
        await using var meter = new ServedMeter();
        var connector = Connector(meter);
        var first = await connector.OpenAsync(meter.Entry()).WaitAsync(ServedMeter.Timeout);
        using var cancel = new CancellationTokenSource();
        var waiting = connector.OpenAsync(meter.Entry(), cancel.Token);

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(ServedMeter.Timeout));
        await first.DisposeAsync();
        await using var next = await connector.OpenAsync(meter.Entry()).WaitAsync(ServedMeter.Timeout);
        Assert.Equal(RelayState.Connected, await next.ReadRelayStateAsync().WaitAsync(ServedMeter.Timeout));
    }

    [Fact]
    public async Task OpenAsync_ManySessionsAtOnce_AllSucceedOneAfterAnother()
    {
        await using var meter = new ServedMeter();
        var connector = Connector(meter);

        var relays = await Task.WhenAll(Enumerable.Range(0, 6).Select(async _ =>
        {
            await using var session = await connector.OpenAsync(meter.Entry()).WaitAsync(ServedMeter.Timeout);
            return await session.ReadRelayStateAsync().WaitAsync(ServedMeter.Timeout);
        }));

        Assert.All(relays, r => Assert.Equal(RelayState.Connected, r));
        Assert.Equal(0, meter.SmartMeter.ClientCounterRefusals);
    }
}
