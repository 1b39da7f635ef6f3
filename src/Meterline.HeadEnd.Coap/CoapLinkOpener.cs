using System.Net;
using System.Net.Sockets;
using Meterline.Coap.Endpoints;
using Meterline.Dlms.Links;
using Meterline.HeadEnd.Dlms.Commands;
using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.Coap;

/// <summary>
/// Opens DLMS links to meters at <c>coap://host:port/path</c> endpoints: a client CoAP endpoint of its own per link
/// (an ephemeral UDP port), each request APDU a Confirmable POST to the meter's path, each response payload the
/// response APDU (block-wise both ways when large). Disposing the link closes the endpoint.
/// </summary>
public sealed class CoapLinkOpener(CoapLinkOpenerOptions? options = null) : IDlmsLinkOpener
{
    private readonly CoapLinkOpenerOptions _options = options ?? new CoapLinkOpenerOptions();

    public bool CanOpen(MeterEndpoint endpoint) => endpoint is not null && CoapMeterEndpoint.TryParse(endpoint, out _, out _);

    public async Task<IApduLink> OpenAsync(MeterEndpoint endpoint, ushort clientWPort, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var parsed = CoapMeterEndpoint.TryParse(endpoint, out var p, out var error) ? p : throw new ArgumentException($"{endpoint}: {error}", nameof(endpoint));
        IPAddress address;
        if (!IPAddress.TryParse(parsed.Host, out address!))
        {
            try
            {
                address = (await Dns.GetHostAddressesAsync(parsed.Host, cancellationToken).ConfigureAwait(false)).FirstOrDefault()
                    ?? throw new DlmsLinkException($"{parsed.Host} has no address", isTransient: true);
            }
            catch (SocketException e)
            {
                throw new DlmsLinkException($"{parsed.Host}: {e.Message}", isTransient: true, e);
            }
        }

        var local = new IPEndPoint(address.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
        var coap = CoapEndpoint.Bind(local, null, _options.Endpoint);
        return new CoapApduLink(coap, new IPEndPoint(address, parsed.Port), parsed.Path, clientWPort, _options.MaxQueuedResponses);
    }
}
