namespace Meterline.Coap.Messages;

/// <summary>Content-Format identifiers of the CoRE registry (RFC 7252 §12.3).</summary>
public static class CoapContentFormat
{
    public const int TextPlain = 0;
    public const int LinkFormat = 40;
    public const int Xml = 41;

    /// <summary>application/octet-stream: the secured DLMS APDUs Meterline carries.</summary>
    public const int OctetStream = 42;
    public const int Exi = 47;
    public const int Json = 50;
    public const int Cbor = 60;
}
