using System.Net;
using Meterline.Coap.Messages;

namespace Meterline.Coap.Endpoints;

/// <summary>A request as a handler sees it: the message (its last block for Block1) and the whole reassembled body.</summary>
/// <param name="Remote">The requester.</param>
/// <param name="Message">The request message.</param>
/// <param name="Body">The request payload, reassembled from every Block1 block.</param>
public sealed record CoapRequest(IPEndPoint Remote, CoapMessage Message, ReadOnlyMemory<byte> Body)
{
    public CoapCode Method => Message.Code;

    public string Path => Message.UriPath;
}
