using System.Globalization;
using Meterline.Dlms.Security;
using Meterline.Simulator.Push;

namespace Meterline.Simulator.Provisioning;

/// <summary>
/// The endpoint URIs the provisioning file gives meters that are neither on DLMS/TCP nor on Zigbee (the forms the
/// head-end's link openers take, docs/mqtt.md and docs/coap.md): <c>mqtt://{systemTitle}</c> — the broker is the
/// head-end's own, so only the meter is named — and <c>coap://host:port/m/{id}</c> on the fleet's CoAP server (the
/// client wPort goes in each request's Uri-Query, not in the endpoint).
/// </summary>
public static class MeterEndpoints
{
    /// <summary>The path prefix under which the fleet's CoAP server serves each meter.</summary>
    public const string CoapMeterPath = Simulator.Coap.CoapFleetServer.MeterPathPrefix;

    public static string Mqtt(SystemTitle systemTitle) => "mqtt://" + systemTitle;

    public static string Coap(string host, int port, string id)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(host);
        return string.Create(CultureInfo.InvariantCulture, $"coap://{(host.Contains(':', StringComparison.Ordinal) ? "[" + host + "]" : host)}:{port}{CoapMeterPath}{Uri.EscapeDataString(id)}");
    }

    /// <summary>
    /// The transport of an endpoint of this kind: <see cref="PushTransport.Mqtt"/> for <c>mqtt://</c> naming
    /// <paramref name="systemTitle"/>, <see cref="PushTransport.Coap"/> for <c>coap://host:port/path</c> without query;
    /// null for anything else.
    /// </summary>
    public static PushTransport? TransportOf(string? endpoint, SystemTitle systemTitle)
    {
        if (endpoint is not { Length: > 0 and <= 256 } || !Uri.TryCreate(endpoint, UriKind.Absolute, out var uri)
            || uri.Query.Length > 0 || uri.Fragment.Length > 0 || uri.UserInfo.Length > 0)
        {
            return null;
        }

        return uri.Scheme switch
        {
            "mqtt" when uri.IsDefaultPort && uri.AbsolutePath is "" or "/" && SystemTitle.TryParse(uri.Host, out var title) && title == systemTitle => PushTransport.Mqtt,
            "coap" when uri.Host.Length > 0 && !uri.IsDefaultPort && uri.Port is >= 1 and <= ushort.MaxValue && uri.AbsolutePath.Length > 1 => PushTransport.Coap,
            _ => null,
        };
    }
}
