using Meterline.HeadEnd.Communication;
using Meterline.HeadEnd.Counters;
using Meterline.HeadEnd.Dlms.Commands;
using Meterline.HeadEnd.Dlms.Tests.Ingest;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Testing;

namespace Meterline.HeadEnd.Dlms.Tests.Commands;

/// <summary>The connector's pluggable link openers and its counter reservation through the allocator.</summary>
public sealed class DlmsLinkOpenerTests
{
    private static DlmsMeterConnectorOptions Options(uint block = 1024) => new()
    {
        SystemTitle = ServedMeter.HeadEndTitle,
        Profiles = new Dictionary<string, Meterline.Dlms.Profiles.MeterProfile> { [ServedMeter.Profile.Id] = ServedMeter.Profile },
        CounterBlockSize = block,
    };

    private static Meterline.HeadEnd.Meters.Meter WithEndpoint(Meterline.HeadEnd.Meters.Meter meter, string uri) => meter with { Endpoint = new MeterEndpoint(uri) };

    [Fact]
    public async Task Open_EndpointOfAGivenOpener_AssociatesOverItsLinkFromTheUtilityClientWPort()
    {
        await using var meter = new ServedMeter();
        var alias = new AliasLinkOpener("meter-one", meter.Port);
        var connector = new DlmsMeterConnector(meter.Keyring, new InMemoryCounterStore(), Options(), [new TcpWrapperLinkOpener(), alias]);

        await using (var session = await connector.OpenAsync(WithEndpoint(meter.Entry(), "alias://meter-one")).WaitAsync(ServedMeter.Timeout))
        {
            Assert.Equal(RelayState.Connected, await session.ReadRelayStateAsync().WaitAsync(ServedMeter.Timeout));
        }

        Assert.Equal([(ushort)48], alias.ClientWPorts);
    }

    [Fact]
    public void CanReach_SeveralOpeners_AnyOfThemAcceptingAndNothingElse()
    {
        var connector = new DlmsMeterConnector(new TestKeyring(), new InMemoryCounterStore(), Options(), [new TcpWrapperLinkOpener(), new AliasLinkOpener("meter-one", 1)]);

        Assert.True(connector.CanReach(new MeterEndpoint("dlms+tcp://10.0.0.5:4059?wport=1")));
        Assert.True(connector.CanReach(new MeterEndpoint("alias://meter-one")));
        Assert.False(connector.CanReach(new MeterEndpoint("alias://meter-two")));
        Assert.False(connector.CanReach(new MeterEndpoint("zigbee://0013A20040A1B2C3")));
    }

    [Fact]
    public void Constructor_DefaultOpeners_OnlyTcp()
    {
        var connector = new DlmsMeterConnector(new TestKeyring(), new InMemoryCounterStore(), Options());

        Assert.IsType<TcpWrapperLinkOpener>(Assert.Single(connector.Openers));
    }

    [Fact]
    public void Constructor_NoOpener_Refused()
    {
        Assert.Throws<ArgumentException>(() => new DlmsMeterConnector(new TestKeyring(), new InMemoryCounterStore(), Options(), []));
    }

    [Fact]
    public async Task Open_EndpointNoOpenerAccepts_NotTransientFailureWithoutReservingCounters()
    {
        await using var meter = new ServedMeter();
        var counters = new InMemoryCounterStore();
        var connector = new DlmsMeterConnector(meter.Keyring, counters, Options());

        var failure = await Assert.ThrowsAsync<MeterCommunicationException>(() => connector.OpenAsync(WithEndpoint(meter.Entry(), "zigbee://0013A20040A1B2C3")));

        Assert.False(failure.IsTransient);
        Assert.Contains("zigbee://0013A20040A1B2C3", failure.Message, StringComparison.Ordinal);
        Assert.Equal(0, counters.Reservations);
    }

    [Fact]
    public async Task TcpOpener_EndpointOfAnotherScheme_Refused()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => new TcpWrapperLinkOpener().OpenAsync(new MeterEndpoint("zigbee://0013A20040A1B2C3"), 48));
    }

    [Fact]
    public async Task Open_WithAllocator_ReservesThroughItAndRaisesTheAuditedAlarmWhenTheMarkPassesTheThreshold()
    {
        await using var meter = new ServedMeter();
        var store = new InMemoryCounterStore();
        var audit = new RecordingAuditLog();
        var allocator = new OutgoingCounterAllocator(store, audit, new OutgoingCounterOptions { AlarmThreshold = 2000 });
        var alarms = new List<CounterNearExhaustionEventArgs>();
        allocator.NearExhaustion += (_, e) => alarms.Add(e);
        var connector = new DlmsMeterConnector(meter.Keyring, allocator, Options(), null);

        await using (var session = await connector.OpenAsync(meter.Entry()).WaitAsync(ServedMeter.Timeout))
        {
            await session.ReadClockAsync().WaitAsync(ServedMeter.Timeout);
        }

        Assert.Empty(alarms);
        await using (var session = await connector.OpenAsync(meter.Entry()).WaitAsync(ServedMeter.Timeout))
        {
            Assert.Equal(RelayState.Connected, await session.ReadRelayStateAsync().WaitAsync(ServedMeter.Timeout));
        }

        Assert.Equal(2, store.Reservations);
        Assert.Equal(1u + (2 * 1024), (await store.GetHighWaterMarksAsync())[(new MeterId(1), 1)]);
        var alarm = Assert.Single(alarms);
        Assert.Equal(2049u, alarm.HighWaterMark);
        Assert.Single(audit.Entries, e => e.Action == OutgoingCounterAllocator.NearExhaustionAction && e.Subject == new MeterId(1).ToString());
    }

    [Fact]
    public async Task Open_WithAllocator_CounterExhausted_NotTransientFailureAndNothingOpened()
    {
        await using var meter = new ServedMeter();
        var store = new InMemoryCounterStore();
        store.SetHighWaterMark(new MeterId(1), 1, uint.MaxValue - 100);
        var alias = new AliasLinkOpener("meter-one", meter.Port);
        var connector = new DlmsMeterConnector(meter.Keyring, new OutgoingCounterAllocator(store, new RecordingAuditLog()), Options(), [alias]);

        var failure = await Assert.ThrowsAsync<MeterCommunicationException>(() => connector.OpenAsync(WithEndpoint(meter.Entry(), "alias://meter-one")));

        Assert.False(failure.IsTransient);
        Assert.Contains("rotate its keys", failure.Message, StringComparison.Ordinal);
        Assert.Empty(alias.ClientWPorts);
    }

    [Fact]
    public async Task Open_RawStoreExhausted_NotTransientFailure()
    {
        await using var meter = new ServedMeter();
        var store = new InMemoryCounterStore();
        store.SetHighWaterMark(new MeterId(1), 1, uint.MaxValue - 100);

        var failure = await Assert.ThrowsAsync<MeterCommunicationException>(() => new DlmsMeterConnector(meter.Keyring, store, Options()).OpenAsync(meter.Entry()));

        Assert.False(failure.IsTransient);
        Assert.Contains("rotate its keys", failure.Message, StringComparison.Ordinal);
    }
}
