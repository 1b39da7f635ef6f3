using Meterline.Dlms.Links;
using Meterline.Gateway;
using Meterline.HeadEnd.Dlms.Commands;
using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.Zigbee;

/// <summary>
/// Opens links to <c>zigbee://ADDRESS</c> endpoints through the head-end's own coordinator: a session of the
/// in-process <see cref="ZigbeeConcentrator"/> from the client wPort to the meter's management logical device, one
/// IEC 62056-47 wrapper frame per (segmented) Zigbee message. Disposing the link ends the session. A second session
/// from the same client wPort to the same meter is refused while the first is open (transient).
/// </summary>
public sealed class LocalZigbeeLinkOpener(ZigbeeConcentrator concentrator) : IDlmsLinkOpener
{
    private readonly ZigbeeConcentrator _concentrator = concentrator ?? throw new ArgumentNullException(nameof(concentrator));

    public bool CanOpen(MeterEndpoint endpoint) =>
        endpoint is not null && ZigbeeEndpoint.TryParse(endpoint, out var parsed) && !parsed.IsThroughGateway;

    public Task<IApduLink> OpenAsync(MeterEndpoint endpoint, ushort clientWPort, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var parsed = ZigbeeEndpoint.TryParse(endpoint, out var p, out var error) ? p
            : throw new ArgumentException($"{endpoint}: {error}", nameof(endpoint));
        if (parsed.IsThroughGateway)
        {
            throw new ArgumentException($"{endpoint} is reached through a gateway, not the local coordinator", nameof(endpoint));
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (_concentrator.Coordinator.Completion.IsCompleted)
        {
            throw new DlmsLinkException("The local Zigbee coordinator has stopped", isTransient: true);
        }

        return Task.FromResult<IApduLink>(_concentrator.OpenSession(parsed.Node, clientWPort));
    }
}
