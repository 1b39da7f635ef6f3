using System.Diagnostics.CodeAnalysis;
using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.Mqtt.Links;

/// <summary>
/// A meter reached over MQTT: <c>mqtt://{systemTitle}</c> (sixteen hex digits, nothing else). The broker is the node's
/// own — the embedded one, or the external broker it is a client of — so the endpoint names only the meter.
/// </summary>
public static class MqttEndpoint
{
    public const string Scheme = "mqtt";

    public static MeterEndpoint For(MeterSystemTitle meter) => new($"{Scheme}://{meter}");

    public static bool TryParse([NotNullWhen(true)] MeterEndpoint? endpoint, out MeterSystemTitle meter)
    {
        meter = default;
        if (endpoint is null || !string.Equals(endpoint.Scheme, Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var uri = endpoint.Uri;
        return uri.IsDefaultPort && uri.AbsolutePath is "" or "/" && uri.Query.Length == 0 && uri.Fragment.Length == 0 && uri.UserInfo.Length == 0
            && MeterSystemTitle.TryParse(uri.Host, out meter);
    }
}
