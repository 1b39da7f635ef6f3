namespace Meterline.Coap.Messages;

/// <summary>The message type (T) of RFC 7252 §3.</summary>
public enum CoapMessageType : byte
{
    /// <summary>CON: needs an acknowledgement; retransmitted until acknowledged (§4.2).</summary>
    Confirmable = 0,

    /// <summary>NON: no acknowledgement (§4.3).</summary>
    NonConfirmable = 1,

    /// <summary>ACK: acknowledges a CON by its message id, empty or carrying a piggybacked response.</summary>
    Acknowledgement = 2,

    /// <summary>RST: the recipient could not process a message (always empty).</summary>
    Reset = 3,
}
