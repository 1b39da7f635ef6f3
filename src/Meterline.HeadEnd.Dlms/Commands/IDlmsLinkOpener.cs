using Meterline.Dlms.Links;
using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.Dlms.Commands;

/// <summary>
/// Opens the APDU link under one association with a meter, for the endpoint schemes it knows (TCP and the wrapper, a
/// Zigbee radio, a data concentrator). <see cref="DlmsMeterConnector"/> asks its openers in order and uses the first
/// whose <see cref="CanOpen"/> accepts the meter's endpoint.
/// </summary>
public interface IDlmsLinkOpener
{
    /// <summary>True when the endpoint has this opener's scheme and is well formed.</summary>
    bool CanOpen(MeterEndpoint endpoint);

    /// <summary>
    /// Opens a link from the client association <paramref name="clientWPort"/> (the client SAP) to the meter's
    /// management logical device. The link returned owns its transport: disposing it closes what was opened for it.
    /// Throws <see cref="DlmsLinkException"/> (transient where a retry may help) when the meter cannot be reached, or
    /// <see cref="ArgumentException"/> for an endpoint <see cref="CanOpen"/> refuses.
    /// </summary>
    Task<IApduLink> OpenAsync(MeterEndpoint endpoint, ushort clientWPort, CancellationToken cancellationToken = default);
}
