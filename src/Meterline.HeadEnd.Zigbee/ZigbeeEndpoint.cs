using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Meterline.HeadEnd.Meters;
using Meterline.Zigbee.Frames;

namespace Meterline.HeadEnd.Zigbee;

/// <summary>
/// A meter reached over Zigbee, named by the 64-bit IEEE address of its radio (16 hex digits):
/// <list type="bullet">
/// <item><c>zigbee://0013A20040A1B2C3</c> — through the head-end's own coordinator (<see cref="LocalZigbeeNetwork"/>);</item>
/// <item><c>zigbee+gw://host:port/0013A20040A1B2C3</c> — through a <c>meterline gateway</c> listening at host:port
/// (the port is required).</item>
/// </list>
/// Parsing is strict: nothing else may follow the address (no port, path, query, fragment or user on
/// <c>zigbee://</c>; no query, fragment or user on <c>zigbee+gw://</c>), and the coordinator's, broadcast and
/// "unknown" addresses are refused. A failure names what is wrong.
/// </summary>
public sealed record ZigbeeEndpoint
{
    public const string LocalScheme = "zigbee";
    public const string GatewayScheme = "zigbee+gw";

    private const int AddressDigits = 16;
    private static readonly SearchValues<char> HexDigits = SearchValues.Create("0123456789ABCDEFabcdef");

    private ZigbeeEndpoint(XBeeAddress64 node, string? gatewayHost, int gatewayPort)
    {
        Node = node;
        GatewayHost = gatewayHost;
        GatewayPort = gatewayPort;
    }

    /// <summary>The meter's radio.</summary>
    public XBeeAddress64 Node { get; }

    /// <summary>The gateway's host (a name or an IP address, IPv6 without brackets); null through the local coordinator.</summary>
    public string? GatewayHost { get; }

    /// <summary>The gateway's TCP port; 0 through the local coordinator.</summary>
    public int GatewayPort { get; }

    [MemberNotNullWhen(true, nameof(GatewayHost))]
    public bool IsThroughGateway => GatewayHost is not null;

    /// <summary>A meter behind the head-end's own coordinator.</summary>
    public static ZigbeeEndpoint Local(XBeeAddress64 node) =>
        CheckNode(node) is { } error ? throw new ArgumentException(error, nameof(node)) : new ZigbeeEndpoint(node, null, 0);

    /// <summary>A meter behind the gateway at <paramref name="host"/>:<paramref name="port"/>.</summary>
    public static ZigbeeEndpoint ThroughGateway(string host, int port, XBeeAddress64 node)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(host);
        ArgumentOutOfRangeException.ThrowIfLessThan(port, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        return CheckNode(node) is { } error ? throw new ArgumentException(error, nameof(node)) : new ZigbeeEndpoint(node, host, port);
    }

    public static bool TryParse(MeterEndpoint endpoint, [NotNullWhen(true)] out ZigbeeEndpoint? parsed) => TryParse(endpoint, out parsed, out _);

    /// <summary>Parses either scheme; on failure <paramref name="error"/> says what is wrong.</summary>
    public static bool TryParse(MeterEndpoint endpoint, [NotNullWhen(true)] out ZigbeeEndpoint? parsed, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        parsed = null;
        var text = endpoint.Uri.OriginalString;
        if (HasScheme(text, LocalScheme))
        {
            error = TryParseLocal(text.AsSpan(LocalScheme.Length + 3), out parsed);
        }
        else if (HasScheme(text, GatewayScheme))
        {
            error = TryParseGateway(endpoint.Uri, text, out parsed);
        }
        else
        {
            error = $"not a {LocalScheme}:// or {GatewayScheme}:// endpoint";
        }

        return error is null;
    }

    /// <summary>Parses either scheme; throws <see cref="FormatException"/> saying what is wrong.</summary>
    public static ZigbeeEndpoint Parse(MeterEndpoint endpoint) =>
        TryParse(endpoint, out var parsed, out var error) ? parsed : throw new FormatException($"{endpoint}: {error}");

    public MeterEndpoint ToMeterEndpoint() => new(ToString());

    public override string ToString() => IsThroughGateway
        ? string.Create(CultureInfo.InvariantCulture, $"{GatewayScheme}://{(GatewayHost.Contains(':', StringComparison.Ordinal) ? "[" + GatewayHost + "]" : GatewayHost)}:{GatewayPort}/{Node}")
        : $"{LocalScheme}://{Node}";

    private static bool HasScheme(string text, string scheme) =>
        text.Length > scheme.Length + 3 && text.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) && text.AsSpan(scheme.Length).StartsWith("://");

    private static string? TryParseLocal(ReadOnlySpan<char> rest, out ZigbeeEndpoint? parsed)
    {
        parsed = null;
        var end = rest.IndexOfAny(":/?#@");
        var address = end < 0 ? rest : rest[..end];
        if (TryParseNode(address, out var node) is { } error)
        {
            return error;
        }

        if (end >= 0)
        {
            return $"{LocalScheme}://ADDRESS takes nothing but the radio address (found \"{rest[end..]}\")";
        }

        parsed = new ZigbeeEndpoint(node, null, 0);
        return null;
    }

    private static string? TryParseGateway(Uri uri, string text, out ZigbeeEndpoint? parsed)
    {
        parsed = null;
        if (text.AsSpan(GatewayScheme.Length + 3).IndexOfAny("?#@") >= 0)
        {
            return $"{GatewayScheme}:// takes no query, fragment or user";
        }

        var host = uri.IdnHost;
        if (string.IsNullOrEmpty(host))
        {
            return $"{GatewayScheme}:// needs the gateway's host: {GatewayScheme}://host:port/ADDRESS";
        }

        if (uri.Port is <= 0 or > 65535)
        {
            return $"{GatewayScheme}:// needs the gateway's port: {GatewayScheme}://host:port/ADDRESS";
        }

        var path = uri.AbsolutePath;
        if (path.Length < 2 || path[0] != '/')
        {
            return $"{GatewayScheme}:// needs the meter's radio address after the gateway: {GatewayScheme}://host:port/ADDRESS";
        }

        if (path.AsSpan(1).Contains('/'))
        {
            return $"{GatewayScheme}:// takes one path segment, the radio address (found \"{path}\")";
        }

        if (TryParseNode(path.AsSpan(1), out var node) is { } error)
        {
            return error;
        }

        parsed = new ZigbeeEndpoint(node, host, uri.Port);
        return null;
    }

    private static string? TryParseNode(ReadOnlySpan<char> text, out XBeeAddress64 node)
    {
        node = default;
        if (text.Length != AddressDigits || text.ContainsAnyExcept(HexDigits)
            || !ulong.TryParse(text, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value))
        {
            return $"the radio address must be {AddressDigits} hex digits, e.g. 0013A20040A1B2C3 (found \"{text}\")";
        }

        node = new XBeeAddress64(value);
        return CheckNode(node);
    }

    private static string? CheckNode(XBeeAddress64 node) =>
        node == XBeeAddress64.Coordinator ? $"{node} is the coordinator's address, not a meter's"
        : node == XBeeAddress64.Broadcast ? $"{node} is the broadcast address, not a meter's"
        : node == XBeeAddress64.Unknown ? $"{node} is the \"unknown\" address, not a meter's"
        : null;
}
