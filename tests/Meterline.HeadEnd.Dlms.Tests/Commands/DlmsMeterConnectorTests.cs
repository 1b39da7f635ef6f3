using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Meterline.HeadEnd.Communication;
using Meterline.HeadEnd.Dlms.Commands;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Readings;
using Meterline.HeadEnd.Testing;
using Meterline.Meter.Control;

namespace Meterline.HeadEnd.Dlms.Tests.Commands;

/// <summary>The DLMS connector against a real meter served over loopback TCP.</summary>
public sealed class DlmsMeterConnectorTests
{
    private static DlmsMeterConnector Connector(ServedMeter meter, InMemoryCounterStore counters, uint block = 1024) =>
        new(meter.Keyring, counters, new DlmsMeterConnectorOptions
        {
            SystemTitle = ServedMeter.HeadEndTitle,
            Profiles = new Dictionary<string, Meterline.Dlms.Profiles.MeterProfile> { [ServedMeter.Profile.Id] = ServedMeter.Profile },
            CounterBlockSize = block,
        });

    private static Task<IMeterSession> OpenAsync(DlmsMeterConnector connector, Meterline.HeadEnd.Meters.Meter entry) =>
        connector.OpenAsync(entry).WaitAsync(ServedMeter.Timeout);

    [Fact]
    public async Task RemoteDisconnect_RealMeter_RelayOpensAndReadsBackDisconnected()
    {
        await using var meter = new ServedMeter();
        await using var session = await OpenAsync(Connector(meter, new InMemoryCounterStore()), meter.Entry());

        await session.RemoteDisconnectAsync().WaitAsync(ServedMeter.Timeout);

        Assert.False(meter.SmartMeter.Relay.OutputState);
        Assert.Equal(DisconnectControlState.Disconnected, meter.SmartMeter.Relay.ControlState);
        Assert.Equal(RelayState.Disconnected, await session.ReadRelayStateAsync().WaitAsync(ServedMeter.Timeout));
    }

    [Fact]
    public async Task RemoteReconnect_ControlModeOne_ReadyForReconnectionUntilTheCustomerCloses()
    {
        await using var meter = new ServedMeter();
        await using var session = await OpenAsync(Connector(meter, new InMemoryCounterStore()), meter.Entry());
        await session.RemoteDisconnectAsync().WaitAsync(ServedMeter.Timeout);

        await session.RemoteReconnectAsync().WaitAsync(ServedMeter.Timeout);

        Assert.Equal(DisconnectControlState.ReadyForReconnection, meter.SmartMeter.Relay.ControlState);
        Assert.False(meter.SmartMeter.Relay.OutputState);
        Assert.Equal(RelayState.ReadyForReconnection, await session.ReadRelayStateAsync().WaitAsync(ServedMeter.Timeout));
        Assert.True(meter.SmartMeter.Relay.ManualReconnect());
        Assert.Equal(RelayState.Connected, await session.ReadRelayStateAsync().WaitAsync(ServedMeter.Timeout));
    }

    [Fact]
    public async Task SetClock_RealMeter_ClockReadsBackTheTimeSet()
    {
        await using var meter = new ServedMeter();
        await using var session = await OpenAsync(Connector(meter, new InMemoryCounterStore()), meter.Entry());
        var target = ServedMeter.Start.AddMinutes(37).AddSeconds(12);

        await session.SetClockAsync(target).WaitAsync(ServedMeter.Timeout);

        Assert.Equal(target, meter.SmartMeter.Clock.UtcNow);
        Assert.Equal(target, await session.ReadClockAsync().WaitAsync(ServedMeter.Timeout));
    }

    [Fact]
    public async Task ReadRegisters_RealMeter_ScaledValuesOfTheMetersRegisters()
    {
        await using var meter = new ServedMeter();
        meter.Time.Advance(TimeSpan.FromHours(6));
        await using var session = await OpenAsync(Connector(meter, new InMemoryCounterStore()), meter.Entry());

        var values = await session.ReadRegistersAsync([Quantity.CumulativeImportEnergy, Quantity.CumulativeExportEnergy, Quantity.BillingPeriodCount]).WaitAsync(ServedMeter.Timeout);

        var import = Assert.Single(values, v => v.Quantity == Quantity.CumulativeImportEnergy);
        Assert.True(import.Value > 0);
        Assert.Equal((double)meter.SmartMeter.Registers.ImportWh, import.Value);
        Assert.Equal((double)meter.SmartMeter.Registers.ExportWh, Assert.Single(values, v => v.Quantity == Quantity.CumulativeExportEnergy).Value);
        Assert.Equal(0, Assert.Single(values, v => v.Quantity == Quantity.BillingPeriodCount).Value);
    }

    [Fact]
    public async Task ReadLoadProfile_Range_ReturnsTheMetersBlockEntriesInIt()
    {
        await using var meter = new ServedMeter();
        meter.Time.Advance(TimeSpan.FromHours(3));
        meter.SmartMeter.AdvanceTo();
        await using var session = await OpenAsync(Connector(meter, new InMemoryCounterStore()), meter.Entry());
        var from = ServedMeter.Start.AddHours(1);
        var to = ServedMeter.Start.AddHours(2);

        var readings = await session.ReadLoadProfileAsync(new MeterId(1), from, to).WaitAsync(ServedMeter.Timeout);

        var times = readings.Select(r => r.Time).Distinct().Order().ToList();
        Assert.Equal(Enumerable.Range(0, 5).Select(i => from.AddMinutes(15 * i).ToUniversalTime()).ToList(), times);
        Assert.All(readings, r => Assert.Equal(ReadingQuality.Authenticated | ReadingQuality.BackFilled, r.Quality));
        Assert.Equal(
            [Quantity.BlockImportEnergy, Quantity.BlockExportEnergy, Quantity.BlockAverageVoltage, Quantity.BlockAverageCurrent],
            readings.Where(r => r.Time == times[0]).Select(r => r.Quantity).OrderBy(q => q == Quantity.BlockImportEnergy ? 0 : q == Quantity.BlockExportEnergy ? 1 : q == Quantity.BlockAverageVoltage ? 2 : 3));
        var imported = readings.Where(r => r.Quantity == Quantity.BlockImportEnergy).Sum(r => r.Value);
        Assert.True(imported > 0);
        Assert.All(readings.Where(r => r.Quantity == Quantity.BlockAverageVoltage), r => Assert.InRange(r.Value, 180, 270));
    }

    [Fact]
    public async Task Sessions_InARowAndAfterRestart_EachReservesAFreshCounterBlockAndWorks()
    {
        await using var meter = new ServedMeter();
        var counters = new InMemoryCounterStore();
        var first = Connector(meter, counters, block: 64);
        await using (var session = await OpenAsync(first, meter.Entry()))
        {
            await session.ReadClockAsync().WaitAsync(ServedMeter.Timeout);
        }

        await using (var session = await OpenAsync(first, meter.Entry()))
        {
            await session.ReadClockAsync().WaitAsync(ServedMeter.Timeout);
        }

        // A restarted head-end: a new connector over the same durable counter store.
        await using (var session = await OpenAsync(Connector(meter, counters, block: 64), meter.Entry()))
        {
            Assert.Equal(RelayState.Connected, await session.ReadRelayStateAsync().WaitAsync(ServedMeter.Timeout));
        }

        Assert.Equal(3, counters.Reservations);
        Assert.Equal(1u + (3 * 64), (await counters.GetHighWaterMarksAsync())[(new MeterId(1), 1)]);
    }

    [Fact]
    public async Task Session_CounterStoreRewound_MeterRefusesTheReusedCounter()
    {
        await using var meter = new ServedMeter();
        var counters = new InMemoryCounterStore();
        await using (var session = await OpenAsync(Connector(meter, counters), meter.Entry()))
        {
            await session.ReadClockAsync().WaitAsync(ServedMeter.Timeout);
        }

        counters.SetHighWaterMark(new MeterId(1), 1, 1);

        var failure = await Assert.ThrowsAsync<MeterCommunicationException>(() => OpenAsync(Connector(meter, counters), meter.Entry()));
        Assert.False(failure.IsTransient);
    }

    [Fact]
    public async Task Session_MoreRequestsThanTheReservedBlock_FailsInsteadOfUsingUnreservedCounters()
    {
        await using var meter = new ServedMeter();
        var counters = new InMemoryCounterStore();
        await using var session = await OpenAsync(Connector(meter, counters, block: 16), meter.Entry());

        var failure = await Assert.ThrowsAsync<MeterCommunicationException>(async () =>
        {
            for (var i = 0; i < 20; i++)
            {
                await session.ReadClockAsync().WaitAsync(ServedMeter.Timeout);
            }
        });

        Assert.Contains("invocation counter", failure.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(17u, (await counters.GetHighWaterMarksAsync())[(new MeterId(1), 1)]);
    }

    [Fact]
    public async Task TransferKeys_ThenNewSessions_NewKeysWorkAndOldKeysAreRefused()
    {
        await using var meter = new ServedMeter();
        var counters = new InMemoryCounterStore();
        var connector = Connector(meter, counters);
        var encryption = RandomNumberGenerator.GetBytes(16);
        var authentication = RandomNumberGenerator.GetBytes(16);
        await using (var session = await OpenAsync(connector, meter.Entry()))
        {
            await session.TransferKeysAsync(encryption, authentication).WaitAsync(ServedMeter.Timeout);
        }

        meter.Keyring.Add(new MeterId(1), 2, encryption, authentication, meter.Master);

        await using (var session = await OpenAsync(connector, meter.Entry(generation: 2)))
        {
            Assert.Equal(RelayState.Connected, await session.ReadRelayStateAsync().WaitAsync(ServedMeter.Timeout));
        }

        var refused = await Assert.ThrowsAsync<MeterCommunicationException>(() => OpenAsync(connector, meter.Entry(generation: 1)));
        Assert.False(refused.IsTransient);
    }

    [Fact]
    public async Task TransferKeys_BadWrap_MeterRefusesAndKeepsItsKeys()
    {
        await using var meter = new ServedMeter();
        var connector = Connector(meter, new InMemoryCounterStore());
        meter.Keyring.Add(new MeterId(1), 5, meter.Encryption, meter.Authentication, RandomNumberGenerator.GetBytes(16));
        await using (var session = await OpenAsync(connector, meter.Entry(generation: 5)))
        {
            var refused = await Assert.ThrowsAsync<MeterCommunicationException>(() => session.TransferKeysAsync(RandomNumberGenerator.GetBytes(16), RandomNumberGenerator.GetBytes(16)));
            Assert.True(refused.Refused);
        }

        // The same keys under the same generation (so its counter blocks continue): still the meter's keys.
        await using var again = await OpenAsync(connector, meter.Entry(generation: 5));
        Assert.Equal(RelayState.Connected, await again.ReadRelayStateAsync().WaitAsync(ServedMeter.Timeout));
    }

    [Fact]
    public async Task ReplayedDisconnect_CapturedOnTheWire_DoesNothingToTheRelay()
    {
        await using var meter = new ServedMeter();
        await using var proxy = new WrapperProxy(meter.Port);
        var connector = Connector(meter, new InMemoryCounterStore());
        await using (var session = await OpenAsync(connector, meter.Entry(proxy.Port)))
        {
            await session.RemoteDisconnectAsync().WaitAsync(ServedMeter.Timeout);
        }

        var captured = proxy.Frames;
        Assert.Contains(captured, frame => frame[8] == 0xDB); // the ACTION went as general-glo-ciphering
        await using (var session = await OpenAsync(connector, meter.Entry()))
        {
            await session.RemoteReconnectAsync().WaitAsync(ServedMeter.Timeout);
        }

        Assert.True(meter.SmartMeter.Relay.ManualReconnect());
        Assert.True(meter.SmartMeter.Relay.OutputState);

        using var replay = new TcpClient();
        await replay.ConnectAsync(IPAddress.Loopback, meter.Port);
        var stream = replay.GetStream();
        var answered = 0;
        foreach (var frame in captured)
        {
            await stream.WriteAsync(frame);
            answered += await TryReadFrameAsync(stream, TimeSpan.FromSeconds(2)) ? 1 : 0;
        }

        Assert.True(meter.SmartMeter.Relay.OutputState);
        Assert.Equal(DisconnectControlState.Connected, meter.SmartMeter.Relay.ControlState);
        await using var check = await OpenAsync(connector, meter.Entry());
        Assert.Equal(RelayState.Connected, await check.ReadRelayStateAsync().WaitAsync(ServedMeter.Timeout));
        Assert.True(answered <= captured.Count);
    }

    [Fact]
    public async Task Open_NoKeysForTheGeneration_FailsWithoutConnecting()
    {
        await using var meter = new ServedMeter();
        var counters = new InMemoryCounterStore();

        var failure = await Assert.ThrowsAsync<MeterCommunicationException>(() => OpenAsync(Connector(meter, counters), meter.Entry(generation: 9)));

        Assert.Contains("generation 9", failure.Message, StringComparison.Ordinal);
        Assert.Equal(0, counters.Reservations);
    }

    [Fact]
    public async Task Open_NothingListening_TransientFailure()
    {
        var counters = new InMemoryCounterStore();
        await using var meter = new ServedMeter();
        using var closed = new TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        var port = ((IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();

        var failure = await Assert.ThrowsAsync<MeterCommunicationException>(() => OpenAsync(Connector(meter, counters), meter.Entry(port)));

        Assert.True(failure.IsTransient);
        Assert.False(failure.Refused);
    }

    [Theory]
    [InlineData("dlms+tcp://10.0.0.5:4059?wport=1", true)]
    [InlineData("dlms+tcp://meter.local?wport=17", true)]
    [InlineData("dlms+tcp://10.0.0.5:4059", true)]
    [InlineData("dlms+tcp://10.0.0.5:4059?wport=0", false)]
    [InlineData("dlms+tcp://10.0.0.5:4059?wport=70000", false)]
    [InlineData("dlms+tcp://10.0.0.5:4059?lower=1", false)]
    [InlineData("dlms+tcp://10.0.0.5:4059/path?wport=1", false)]
    [InlineData("zigbee://0013A20040A1B2C3", false)]
    [InlineData("dlms+hdlc+tcp://10.0.0.5:4059?lower=16", false)]
    public void CanReach_Endpoint_OnlyWellFormedDlmsTcp(string uri, bool expected)
    {
        var connector = new DlmsMeterConnector(new TestKeyring(), new InMemoryCounterStore(), new DlmsMeterConnectorOptions
        {
            SystemTitle = ServedMeter.HeadEndTitle,
            Profiles = new Dictionary<string, Meterline.Dlms.Profiles.MeterProfile>(),
        });

        Assert.Equal(expected, connector.CanReach(new MeterEndpoint(uri)));
    }

    private static async Task<bool> TryReadFrameAsync(NetworkStream stream, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            var header = new byte[8];
            await stream.ReadExactlyAsync(header, cancel.Token);
            var body = new byte[BinaryPrimitives.ReadUInt16BigEndian(header.AsSpan(6))];
            await stream.ReadExactlyAsync(body, cancel.Token);
            return true;
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or EndOfStreamException)
        {
            return false;
        }
    }
}
