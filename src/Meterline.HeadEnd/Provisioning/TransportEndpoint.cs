using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.Provisioning;

/// <summary>
/// The endpoints a provisioning file may give a meter besides its DLMS/TCP address and Zigbee radio: <c>mqtt://{systemTitle}</c>
/// (the meter's own title: the broker is the head-end's) and <c>coap://host:port/path</c> (no query: the client wPort
/// travels in each request). The transport adapters parse them; this only refuses what none of them would take.
/// </summary>
public static class TransportEndpoint
{
    /// <summary>Null when <paramref name="endpoint"/> is acceptable for the meter with <paramref name="systemTitle"/>, else why not.</summary>
    public static string? Check(string endpoint, MeterSystemTitle systemTitle)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        if (endpoint.Length > MeterEndpoint.MaxLength || !Uri.TryCreate(endpoint, UriKind.Absolute, out var uri)
            || uri.Query.Length > 0 || uri.Fragment.Length > 0 || uri.UserInfo.Length > 0)
        {
            return "endpoint must be mqtt://{systemTitle} or coap://host:port/path, without query";
        }

        return uri.Scheme switch
        {
            "mqtt" => uri.IsDefaultPort && uri.AbsolutePath is "" or "/" && MeterSystemTitle.TryParse(uri.Host, out var title) && title == systemTitle
                ? null
                : "an mqtt:// endpoint names the meter's own system title and nothing else (mqtt://{systemTitle})",
            "coap" => uri.Host.Length > 0 && uri.AbsolutePath.Length > 1 ? null : "a coap:// endpoint needs a host and a path (coap://host:port/m/SERIAL)",
            _ => $"endpoint scheme {uri.Scheme}:// is not mqtt:// or coap:// (DLMS/TCP and Zigbee meters are given by host, port and zigbee)",
        };
    }
}
