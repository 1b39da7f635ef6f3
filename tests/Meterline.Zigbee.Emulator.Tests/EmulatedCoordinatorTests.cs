using Meterline.Zigbee.Frames;
using Microsoft.Extensions.Time.Testing;

namespace Meterline.Zigbee.Emulator.Tests;

/// <summary>The emulated module byte-level behaviour over an in-memory wire, with the radio on a fake clock.</summary>
public class EmulatedCoordinatorTests
{
    private static readonly XBeeAddress64 Meter = new(0x0013A20041000001);

    [Fact]
    public async Task Start_SendsTheStartupModemStatuses()
    {
        await using var host = new HostSide();
        await using var module = EmulatedCoordinator.Start(host.ModuleStream);

        Assert.Equal(ModemStatusCode.HardwareReset, Assert.IsType<ModemStatus>(await host.ReceiveAsync()).Status);
        Assert.Equal(ModemStatusCode.JoinedNetwork, Assert.IsType<ModemStatus>(await host.ReceiveAsync()).Status);
    }

    [Fact]
    public async Task QueuedAp_SwitchesOnlyAfterTheAcResponse()
    {
        await using var host = new HostSide();
        await using var module = EmulatedCoordinator.Start(host.ModuleStream);

        await host.SendAsync(new QueuedAtCommand(1, "AP", new byte[] { 2 }));
        Assert.Equal(AtCommandStatus.Ok, (await host.ReceiveAsync<AtCommandResponse>()).Status);
        Assert.Equal(XBeeApiMode.Api, module.ApiMode);

        await host.SendAsync(new AtCommand(2, "AC"));
        var applied = await host.ReceiveAsync<AtCommandResponse>();
        Assert.Equal((byte)2, applied.FrameId);

        // The module switches once its AC response is written, so the host can read the response a moment before.
        var switchedBy = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (module.ApiMode != XBeeApiMode.ApiEscaped && DateTime.UtcNow < switchedBy)
        {
            await Task.Delay(5);
        }

        Assert.Equal(XBeeApiMode.ApiEscaped, module.ApiMode);

        host.Mode = XBeeApiMode.ApiEscaped;
        await host.SendAsync(new AtCommand(0x11, "AP"));
        var now = await host.ReceiveAsync<AtCommandResponse>();
        Assert.Equal((byte)0x11, now.FrameId);
        Assert.Equal([2], now.Data.ToArray());
    }

    [Fact]
    public async Task FrameIdZero_GetsNoResponse()
    {
        await using var host = new HostSide();
        await using var module = EmulatedCoordinator.Start(host.ModuleStream);

        await host.SendAsync(new AtCommand(0, "VR"));
        await host.SendAsync(new AtCommand(5, "HV"));

        var response = await host.ReceiveAsync<AtCommandResponse>();
        Assert.Equal((byte)5, response.FrameId);
        Assert.Equal("HV", response.Command);
    }

    [Fact]
    public async Task TransmitRequest_StatusComesAfterTheAirtimeWithRealisticFields()
    {
        var time = new FakeTimeProvider();
        var link = new LinkModel { PerHopDelay = TimeSpan.FromMilliseconds(10), Hops = 2 };
        await using var host = new HostSide();
        await using var module = EmulatedCoordinator.Start(host.ModuleStream, new EmulatedCoordinatorOptions { Link = link, StartupModemStatuses = [] }, time);
        var meter = module.AddNode(Meter, new XBeeAddress16(0x5A5A), "METER-1", announce: false);

        var started = time.GetUtcNow();
        var receiving = host.ReceiveAsync<TransmitStatus>();
        await host.SendAsync(new TransmitRequest(7, Meter, XBeeAddress16.Unknown, 0, TransmitOptions.None, new byte[] { 1, 2, 3 }));
        await WaitUntilAsync(() => module.TransmitRequests == 1);
        await Task.Delay(50);
        Assert.False(receiving.IsCompleted);
        Assert.False(meter.TryReceive(out _));

        // Two hops of 10 ms each plus (3 + 31) bytes at 250 kbit/s each: about 22 ms on the fake clock.
        for (var i = 0; i < 100 && !receiving.IsCompleted; i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(2));
            await Task.Delay(5);
        }

        var status = await receiving;
        Assert.InRange(time.GetUtcNow() - started, TimeSpan.FromMilliseconds(22), TimeSpan.FromMilliseconds(200));

        Assert.Equal((byte)7, status.FrameId);
        Assert.Equal(new XBeeAddress16(0x5A5A), status.Destination16);
        Assert.Equal(0, status.RetryCount);
        Assert.Equal(DeliveryStatus.Success, status.Delivery);
        Assert.Equal(DiscoveryStatus.AddressDiscovery, status.Discovery);
        Assert.True(meter.TryReceive(out var payload));
        Assert.Equal([1, 2, 3], payload.ToArray());
    }

    [Fact]
    public async Task TransmitRequest_KnownAddressNoOverhead_LostEveryAttempt_ReportsMacFailureAfterRetries()
    {
        var link = new LinkModel { LossRate = 1.0, MacRetries = 2, PerHopDelay = TimeSpan.Zero, AirRateBitsPerSecond = int.MaxValue };
        await using var host = new HostSide();
        await using var module = EmulatedCoordinator.Start(host.ModuleStream, new EmulatedCoordinatorOptions { Link = link });
        var meter = module.AddNode(Meter, new XBeeAddress16(0x5A5A), "METER-1", announce: false);

        await host.SendAsync(new TransmitRequest(8, Meter, new XBeeAddress16(0x5A5A), 0, TransmitOptions.None, new byte[] { 1 }));
        var status = await host.ReceiveAsync<TransmitStatus>();

        Assert.Equal(DeliveryStatus.MacAckFailure, status.Delivery);
        Assert.Equal(DiscoveryStatus.NoDiscoveryOverhead, status.Discovery);
        Assert.Equal(2, status.RetryCount);
        Assert.Equal(new XBeeAddress16(0xFFFD), status.Destination16);
        Assert.False(meter.TryReceive(out _));
    }

    [Fact]
    public async Task TransmitRequest_OverNpOrToItself_IsRefusedWithTheModuleStatus()
    {
        await using var host = new HostSide();
        await using var module = EmulatedCoordinator.Start(host.ModuleStream);
        module.AddNode(Meter, new XBeeAddress16(1), "METER-1", announce: false);

        await host.SendAsync(new TransmitRequest(9, Meter, XBeeAddress16.Unknown, 0, TransmitOptions.None, new byte[85]));

        Assert.Equal(DeliveryStatus.DataPayloadTooLarge, (await host.ReceiveAsync<TransmitStatus>()).Delivery);

        await host.SendAsync(new TransmitRequest(10, module.Options.Address64, XBeeAddress16.Unknown, 0, TransmitOptions.None, new byte[1]));

        Assert.Equal(DeliveryStatus.SelfAddressed, (await host.ReceiveAsync<TransmitStatus>()).Delivery);
    }

    [Fact]
    public async Task TransmitRequest_Broadcast_ReachesEveryNode()
    {
        await using var host = new HostSide();
        await using var module = EmulatedCoordinator.Start(host.ModuleStream);
        var nodes = Enumerable.Range(1, 3).Select(i => module.AddNode(new XBeeAddress64((ulong)i), new XBeeAddress16((ushort)i), $"N{i}", announce: false)).ToArray();

        await host.SendAsync(new TransmitRequest(10, XBeeAddress64.Broadcast, XBeeAddress16.Unknown, 0, TransmitOptions.None, new byte[] { 0xB0 }));

        Assert.Equal(DeliveryStatus.Success, (await host.ReceiveAsync<TransmitStatus>()).Delivery);
        Assert.All(nodes, n => Assert.True(n.TryReceive(out _)));
    }

    [Fact]
    public async Task NodeSend_ArrivesAsReceivePacketInTheCurrentMode()
    {
        await using var host = new HostSide { Mode = XBeeApiMode.ApiEscaped };
        await using var module = EmulatedCoordinator.Start(host.ModuleStream, new EmulatedCoordinatorOptions { ApiMode = XBeeApiMode.ApiEscaped });
        var meter = module.AddNode(new XBeeAddress64(0x0013A2007E7D1113), new XBeeAddress16(0x7E11), "METER-X", announce: false);

        Assert.Equal(DeliveryStatus.Success, await meter.SendAsync(new byte[] { 0x7E, 0x13 }));
        var packet = await host.ReceiveAsync<ReceivePacket>();

        Assert.Equal(meter.Address64, packet.Source64);
        Assert.Equal(new XBeeAddress16(0x7E11), packet.Source16);
        Assert.Equal(ReceiveOptions.PacketAcknowledged, packet.Options);
        Assert.Equal([0x7E, 0x13], packet.Data.ToArray());
        Assert.Equal(DeliveryStatus.DataPayloadTooLarge, await meter.SendAsync(new byte[85]));
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var limit = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (!condition() && DateTime.UtcNow < limit)
        {
            await Task.Delay(5);
        }

        Assert.True(condition());
    }
}
