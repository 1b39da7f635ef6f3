namespace Meterline.Dlms.Associations.Server;

/// <summary>
/// A received request with its protection removed: the plain APDU, the layers it arrived in, and for a request
/// ciphered with the global key the counter it used and the last one accepted before it.
/// </summary>
internal sealed class ServerInboundMessage
{
    public ServerInboundMessage(byte[] apdu, ServerProtection protection, uint? globalCounter = null, uint? globalCounterBefore = null)
    {
        Apdu = apdu;
        Protection = protection;
        GlobalCounter = globalCounter;
        GlobalCounterBefore = globalCounterBefore;
    }

    /// <summary>The plain xDLMS APDU, tag included.</summary>
    public byte[] Apdu { get; }

    public ServerProtection Protection { get; }

    /// <summary>The client's invocation counter of the global-key ciphering layer, if there was one.</summary>
    public uint? GlobalCounter { get; }

    /// <summary>The last global-key counter accepted from the client before this request (null when none was).</summary>
    public uint? GlobalCounterBefore { get; }
}
