using Meterline.Coap.Messages;

namespace Meterline.Coap.Endpoints;

/// <summary>The final response message of a request and its whole body (all Block2 blocks joined).</summary>
public sealed record CoapClientResponse(CoapMessage Message, ReadOnlyMemory<byte> Body)
{
    public CoapCode Code => Message.Code;
}
