using Meterline.Dlms.Links;
using Meterline.HeadEnd.Dlms.Commands;
using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.Mqtt.Links;

/// <summary>
/// Opens DLMS links to <c>mqtt://{systemTitle}</c> meters: each APDU goes down as a wrapper frame (client wPort to the
/// meter's wPort 1) published to the meter's <c>down</c> topic, and the meter's answers come back on its <c>up</c> topic
/// addressed to the client wPort, routed by <see cref="MqttSessionRouter"/>. One session per meter and client
/// association at a time (a second is refused as transient). Disposing the link ends the session.
/// </summary>
public sealed class MqttLinkOpener : IDlmsLinkOpener
{
    public const ushort MeterWPort = 1;

    private readonly IMqttDownlink _downlink;

    public MqttLinkOpener(IMqttDownlink downlink)
    {
        ArgumentNullException.ThrowIfNull(downlink);
        _downlink = downlink;
    }

    public bool CanOpen(MeterEndpoint endpoint) => MqttEndpoint.TryParse(endpoint, out _);

    public async Task<IApduLink> OpenAsync(MeterEndpoint endpoint, ushort clientWPort, CancellationToken cancellationToken = default)
    {
        if (!MqttEndpoint.TryParse(endpoint, out var meter))
        {
            throw new ArgumentException($"{endpoint} is not mqtt://{{systemTitle}}", nameof(endpoint));
        }

        cancellationToken.ThrowIfCancellationRequested();
        var link = new DatagramWrapperLink((datagram, token) => new ValueTask(_downlink.PublishDownAsync(meter, datagram, token)), clientWPort, MeterWPort);
        if (!_downlink.Sessions.TryOpen(meter, clientWPort, link))
        {
            link.Complete();
            throw new DlmsLinkException($"A session with meter {meter} from client wPort {clientWPort} is already open over MQTT", isTransient: true);
        }

        try
        {
            await _downlink.OpenSessionAsync(meter, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            _downlink.Sessions.Close(meter, clientWPort, link);
            link.Complete();
            throw;
        }

        return new MqttMeterLink(link, async () =>
        {
            _downlink.Sessions.Close(meter, clientWPort, link);
            await _downlink.CloseSessionAsync(meter).ConfigureAwait(false);
        });
    }
}
