namespace Meterline.Coap.Endpoints;

/// <summary>Why an endpoint dropped a datagram or a request body without handling it.</summary>
public enum CoapDropReason
{
    /// <summary>Refused by <see cref="CoapEndpointOptions.AdmitDatagram"/> before parsing.</summary>
    RateLimited = 0,

    /// <summary>No valid CoAP message (a message format error, RFC 7252 §3).</summary>
    Malformed = 1,

    /// <summary>A datagram above the message size limit, or a Block1 body announced or grown above <see cref="CoapEndpointOptions.MaxBodySize"/>.</summary>
    Oversize = 2,
}
