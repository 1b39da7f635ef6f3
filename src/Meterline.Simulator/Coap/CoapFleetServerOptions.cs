using System.Net;
using Meterline.Coap.Endpoints;

namespace Meterline.Simulator.Coap;

public sealed record CoapFleetServerOptions
{
    /// <summary>Where the fleet's one CoAP port listens (port 0: the system chooses).</summary>
    public IPEndPoint Listen { get; init; } = new(IPAddress.Loopback, 0);

    /// <summary>A session (one association) with no request for this long ends.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long a request waits for the meter's response APDU.</summary>
    public TimeSpan ResponseTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Sessions at once over the whole fleet.</summary>
    public int MaxSessions { get; init; } = 1024;

    /// <summary>The endpoint's parameters. A meter answers whoever holds its keys, so responses may exceed requests.</summary>
    public CoapEndpointOptions Endpoint { get; init; } = new() { LimitResponseSize = false };
}
