namespace Meterline.Zigbee;

/// <summary>
/// The base of the Zigbee library's exceptions: malformed frames, a lost link, a refused or undelivered request.
/// <see cref="IsTransient"/> says whether trying again later may succeed.
/// </summary>
public class XBeeException : Exception
{
    public XBeeException()
    {
    }

    public XBeeException(string message)
        : base(message)
    {
    }

    public XBeeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public XBeeException(string message, bool isTransient, Exception? innerException = null)
        : base(message, innerException)
    {
        IsTransient = isTransient;
    }

    /// <summary>True when the same request may succeed later (a time-out, a failed delivery, a lost link).</summary>
    public bool IsTransient { get; }
}
