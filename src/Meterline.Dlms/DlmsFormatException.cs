using System.Globalization;

namespace Meterline.Dlms;

/// <summary>A PDU or frame is malformed. <see cref="Offset"/> is the byte offset of the offending field.</summary>
public sealed class DlmsFormatException : DlmsException
{
    public DlmsFormatException(DlmsErrorReason reason, int offset, string message)
        : base(reason, string.Create(CultureInfo.InvariantCulture, $"{message} (at byte offset {offset})"))
    {
        Offset = offset;
        Detail = message;
    }

    /// <summary>Offset, in bytes from the start of the decoded input, of the field that is wrong.</summary>
    public int Offset { get; }

    /// <summary>The message without the offset.</summary>
    public string Detail { get; }
}
