using Meterline.Zigbee.Frames;

namespace Meterline.Zigbee.Emulator;

/// <summary>An AT command's answer, and the API mode to switch to once the answer is sent (after ATAP or ATAC).</summary>
internal sealed record AtCommandResult(AtCommandStatus Status, byte[] Data, XBeeApiMode? SwitchTo = null)
{
    public static AtCommandResult Ok(params byte[] data) => new(AtCommandStatus.Ok, data);

    public static AtCommandResult Fail(AtCommandStatus status) => new(status, []);
}
