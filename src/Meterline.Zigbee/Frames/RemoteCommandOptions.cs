namespace Meterline.Zigbee.Frames;

/// <summary>Remote command options (Digi XBee Zigbee user guide, "Remote AT Command Request - 0x17").</summary>
[Flags]
public enum RemoteCommandOptions : byte
{
    None = 0x00,
    DisableAcks = 0x01,
    ApplyChanges = 0x02,
    EnableApsEncryption = 0x20,
    UseExtendedTimeout = 0x40,
}
