using System.Globalization;

namespace Meterline.Zigbee.Frames;

/// <summary>Frame data is malformed. <see cref="Offset"/> is the offset of the offending field in the frame data.</summary>
public sealed class XBeeFrameFormatException : XBeeException
{
    public XBeeFrameFormatException()
    {
        Detail = string.Empty;
    }

    public XBeeFrameFormatException(string message)
        : base(message)
    {
        Detail = message;
    }

    public XBeeFrameFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
        Detail = message;
    }

    public XBeeFrameFormatException(string message, int offset)
        : base(string.Create(CultureInfo.InvariantCulture, $"{message} (at frame data offset {offset})"))
    {
        Offset = offset;
        Detail = message;
    }

    /// <summary>Offset in the frame data (0 is the frame type byte) of the field that is wrong.</summary>
    public int Offset { get; }

    /// <summary>The message without the offset.</summary>
    public string Detail { get; }
}
