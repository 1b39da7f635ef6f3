using Meterline.Dlms.Links;
using Meterline.Zigbee;
using Meterline.Zigbee.Emulator;
using Meterline.Zigbee.Frames;

namespace Meterline.Gateway.Tests;

/// <summary>The concentrator when its coordinator's serial link goes away.</summary>
public sealed class ZigbeeConcentratorTests
{
    [Fact]
    public async Task DisposeAsync_AfterTheSerialLinkWasLost_CompletesAndEndsThePushes()
    {
        var module = EmulatedCoordinator.StartOnPseudoTerminal();
        module.AddNode(new XBeeAddress64(0x0013A2004D540001), new XBeeAddress16(0x0100), "MTL1");
        await using var coordinator = await XBeeCoordinator.OpenAsync(module.DevicePath!).WaitAsync(ZigbeeFleet.Bound);
        var concentrator = new ZigbeeConcentrator(coordinator);
        await using var session = concentrator.OpenSession(new XBeeAddress64(0x0013A2004D540001), clientWPort: 48);

        await module.DisposeAsync();
        await Assert.ThrowsAnyAsync<XBeeException>(() => coordinator.Completion.WaitAsync(ZigbeeFleet.Bound));

        await concentrator.DisposeAsync().AsTask().WaitAsync(ZigbeeFleet.Bound);
        Assert.False(await concentrator.Pushes.WaitToReadAsync().AsTask().WaitAsync(ZigbeeFleet.Bound));
        await Assert.ThrowsAsync<DlmsLinkException>(async () => await session.ReceiveAsync().AsTask().WaitAsync(ZigbeeFleet.Bound));
    }
}
