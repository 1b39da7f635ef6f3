using System.Diagnostics.CodeAnalysis;
using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.Coap;

/// <summary>
/// A meter reached over CoAP: <c>coap://host:port/path</c> (the simulator serves each meter at <c>/m/{serial}</c>).
/// Every request APDU is POSTed to the path with the client wPort in a Uri-Query <c>wport={n}</c>.
/// </summary>
public sealed record CoapMeterEndpoint(string Host, int Port, string Path)
{
    public const string Scheme = "coap";

    public const int DefaultPort = 5683;

    public static bool TryParse(MeterEndpoint endpoint, [NotNullWhen(true)] out CoapMeterEndpoint? parsed, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var uri = endpoint.Uri;
        parsed = null;
        if (!string.Equals(uri.Scheme, Scheme, StringComparison.Ordinal))
        {
            error = $"not a {Scheme}:// endpoint";
            return false;
        }

        if (string.IsNullOrEmpty(uri.Host) || uri.AbsolutePath is "" or "/" || uri.Query.Length > 0 || uri.Fragment.Length > 0)
        {
            error = "a coap:// endpoint needs a host and a path (coap://host:port/m/SERIAL), and no query";
            return false;
        }

        parsed = new CoapMeterEndpoint(uri.IdnHost, uri.IsDefaultPort || uri.Port < 0 ? DefaultPort : uri.Port, Uri.UnescapeDataString(uri.AbsolutePath));
        error = null;
        return true;
    }
}
