namespace Meterline.Coap.Messages;

/// <summary>
/// A datagram that is no valid CoAP message (RFC 7252 §3: a "message format error"), with the byte offset where
/// reading failed and, when the fixed header could be read, that header: a Confirmable message with a format error is
/// rejected with a Reset carrying its message id (§4.2).
/// </summary>
public sealed class CoapFormatException : FormatException
{
    public CoapFormatException()
    {
    }

    public CoapFormatException(string message)
        : base(message)
    {
    }

    public CoapFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public CoapFormatException(string message, int offset, CoapMessageHeader? header = null)
        : base($"{message} (at byte {offset})")
    {
        Offset = offset;
        Header = header;
    }

    /// <summary>Where in the datagram reading failed.</summary>
    public int Offset { get; }

    /// <summary>The fixed header (version 1), when it was read before the error.</summary>
    public CoapMessageHeader? Header { get; }
}
