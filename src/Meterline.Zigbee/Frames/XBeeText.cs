namespace Meterline.Zigbee.Frames;

/// <summary>Checks for the text fields of frames: AT command names and node identifiers (Latin-1, one byte a character).</summary>
internal static class XBeeText
{
    public static void CheckCommandName(string command)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (command.Length != 2 || command[0] > 0xFF || command[1] > 0xFF)
        {
            throw new ArgumentException($"An AT command name is two single-byte characters, not \"{command}\".", nameof(command));
        }
    }

    public static void CheckNodeIdentifier(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (var c in text)
        {
            if (c is '\0' or > (char)0xFF)
            {
                throw new ArgumentException("A node identifier is single-byte characters without NUL.", nameof(text));
            }
        }
    }
}
