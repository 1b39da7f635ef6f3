using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.Dlms.Commands;

/// <summary>
/// A meter reached over DLMS/TCP with the IEC 62056-47 wrapper: <c>dlms+tcp://host:port?wport=N</c>, where N is the
/// meter's logical device wPort (1 to 65535, default 1). Port defaults to 4059.
/// </summary>
public sealed record DlmsEndpoint(string Host, int Port, ushort WPort)
{
    public const string Scheme = "dlms+tcp";
    public const int DefaultPort = 4059;

    public static bool TryParse(MeterEndpoint endpoint, [NotNullWhen(true)] out DlmsEndpoint? parsed)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        parsed = null;
        var uri = endpoint.Uri;
        if (!string.Equals(uri.Scheme, Scheme, StringComparison.OrdinalIgnoreCase) || string.IsNullOrEmpty(uri.Host)
            || uri.AbsolutePath is not ("" or "/") || !string.IsNullOrEmpty(uri.Fragment) || !string.IsNullOrEmpty(uri.UserInfo))
        {
            return false;
        }

        ushort wPort = 1;
        var query = uri.Query.TrimStart('?');
        if (query.Length > 0)
        {
            foreach (var part in query.Split('&'))
            {
                var pair = part.Split('=', 2);
                if (pair.Length != 2 || pair[0] != "wport" || !ushort.TryParse(pair[1], NumberStyles.None, CultureInfo.InvariantCulture, out wPort) || wPort == 0)
                {
                    return false;
                }
            }
        }

        parsed = new DlmsEndpoint(uri.IdnHost, uri.IsDefaultPort || uri.Port <= 0 ? DefaultPort : uri.Port, wPort);
        return true;
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Scheme}://{Host}:{Port}?wport={WPort}");
}
