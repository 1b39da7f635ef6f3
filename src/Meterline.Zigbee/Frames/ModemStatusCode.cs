namespace Meterline.Zigbee.Frames;

/// <summary>The status of a Modem Status frame (Digi XBee Zigbee user guide, "Modem Status - 0x8A").</summary>
public enum ModemStatusCode : byte
{
    HardwareReset = 0x00,
    WatchdogTimerReset = 0x01,
    JoinedNetwork = 0x02,
    Disassociated = 0x03,
    CoordinatorStarted = 0x06,
    NetworkSecurityKeyUpdated = 0x07,
    VoltageSupplyLimitExceeded = 0x0D,
    ModemConfigurationChangedWhileJoinInProgress = 0x11,
}
