namespace Meterline.Coap.Endpoints;

/// <summary>An outgoing exchange that got no response: timed out, reset by the peer, or refused for lack of room.</summary>
public sealed class CoapExchangeException : IOException
{
    public CoapExchangeException()
    {
    }

    public CoapExchangeException(string message)
        : base(message)
    {
    }

    public CoapExchangeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public CoapExchangeException(string message, bool isTransient)
        : base(message)
    {
        IsTransient = isTransient;
    }

    /// <summary>True when trying again later may succeed (a timeout, a full table).</summary>
    public bool IsTransient { get; }
}
