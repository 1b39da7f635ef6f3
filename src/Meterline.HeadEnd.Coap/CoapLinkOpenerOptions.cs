using Meterline.Coap.Endpoints;

namespace Meterline.HeadEnd.Coap;

public sealed record CoapLinkOpenerOptions
{
    /// <summary>The client endpoint of each link (transmission parameters, block size, body limit of responses).</summary>
    public CoapEndpointOptions Endpoint { get; init; } = new() { LimitResponseSize = false };

    /// <summary>Response APDUs waiting to be received on one link.</summary>
    public int MaxQueuedResponses { get; init; } = 4;
}
