namespace Meterline.Dlms.Associations.Server;

/// <summary>A received request with its protection removed: the plain APDU and the layers it arrived in.</summary>
internal sealed class ServerInboundMessage
{
    public ServerInboundMessage(byte[] apdu, ServerProtection protection)
    {
        Apdu = apdu;
        Protection = protection;
    }

    /// <summary>The plain xDLMS APDU, tag included.</summary>
    public byte[] Apdu { get; }

    public ServerProtection Protection { get; }
}
