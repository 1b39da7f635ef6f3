namespace Meterline.Dlms.Hdlc;

/// <summary>
/// The LLC header that precedes an APDU in the information field of the first I (or UI) frame (IEC 62056-46 §8.1):
/// destination LSAP 0xE6, source LSAP 0xE6 for commands / 0xE7 for responses, quality 0x00.
/// </summary>
public static class HdlcLlc
{
    public const int Length = 3;

    public static ReadOnlySpan<byte> Command => [0xE6, 0xE6, 0x00];

    public static ReadOnlySpan<byte> Response => [0xE6, 0xE7, 0x00];

    /// <summary>True when <paramref name="information"/> starts with the command (or response) LLC header.</summary>
    public static bool HasHeader(ReadOnlySpan<byte> information, bool response) =>
        information.StartsWith(response ? Response : Command);
}
