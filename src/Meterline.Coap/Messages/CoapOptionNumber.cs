namespace Meterline.Coap.Messages;

/// <summary>The registered option numbers (RFC 7252 §5.10, §12.2; RFC 7959 §2.1, §4; RFC 7641 Observe).</summary>
public enum CoapOptionNumber : ushort
{
    IfMatch = 1,
    UriHost = 3,
    ETag = 4,
    IfNoneMatch = 5,
    Observe = 6,
    UriPort = 7,
    LocationPath = 8,
    UriPath = 11,
    ContentFormat = 12,
    MaxAge = 14,
    UriQuery = 15,
    Accept = 17,
    LocationQuery = 20,
    Block2 = 23,
    Block1 = 27,
    Size2 = 28,
    ProxyUri = 35,
    ProxyScheme = 39,
    Size1 = 60,
}
