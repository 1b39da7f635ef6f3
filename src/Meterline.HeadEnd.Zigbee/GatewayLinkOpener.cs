using Meterline.Dlms.Links;
using Meterline.Gateway;
using Meterline.HeadEnd.Dlms.Commands;
using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.Zigbee;

/// <summary>
/// Opens links to <c>zigbee+gw://host:port/ADDRESS</c> endpoints through a <c>meterline gateway</c>: a TCP connection
/// to the gateway with the IEC 62056-47 wrapper, from the client wPort (which the gateway uses towards the meter) to
/// the gateway's wPort <see cref="GatewayServer.GatewayWPort"/>, and a <see cref="GatewayClientLink"/> that wraps each
/// APDU in a DLMS/COSEM gateway-request naming the meter's radio. One connection per session; disposing the link closes
/// it. A gateway accepts a bounded number of connections (16 by default), so at most that many sessions run through
/// one gateway at once.
/// </summary>
public sealed class GatewayLinkOpener : IDlmsLinkOpener
{
    private readonly TcpWrapperLinkOpener _tcp;
    private readonly byte _networkId;

    /// <param name="connectTimeout">How long a TCP connect to the gateway may take (default 10 s).</param>
    /// <param name="timeProvider">The clock of the wrapper link's inter-frame time-out.</param>
    /// <param name="networkId">The network id put in gateway-requests (0 unless the gateway is configured with one).</param>
    public GatewayLinkOpener(TimeSpan? connectTimeout = null, TimeProvider? timeProvider = null, byte networkId = 0)
    {
        _tcp = new TcpWrapperLinkOpener(connectTimeout, timeProvider);
        _networkId = networkId;
    }

    public bool CanOpen(MeterEndpoint endpoint) =>
        endpoint is not null && ZigbeeEndpoint.TryParse(endpoint, out var parsed) && parsed.IsThroughGateway;

    public async Task<IApduLink> OpenAsync(MeterEndpoint endpoint, ushort clientWPort, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var parsed = ZigbeeEndpoint.TryParse(endpoint, out var p, out var error) ? p
            : throw new ArgumentException($"{endpoint}: {error}", nameof(endpoint));
        if (!parsed.IsThroughGateway)
        {
            throw new ArgumentException($"{endpoint} is reached through the local coordinator, not a gateway", nameof(endpoint));
        }

        var gateway = await _tcp.ConnectAsync(parsed.GatewayHost, parsed.GatewayPort, clientWPort, GatewayServer.GatewayWPort, cancellationToken).ConfigureAwait(false);
        return new GatewayClientLink(gateway, parsed.Node.Encode(), _networkId);
    }
}
