using System.Globalization;
using Meterline.Server.Hosting;

namespace Meterline.LoadHarness;

/// <summary>
/// Where a flood of each scheme hits a node: the attack transport of that scheme (Meterline.Simulator.Attacks) is
/// pointed at the URI. A new ingress is one line here once the node exposes its endpoint.
/// </summary>
internal static class FloodTargets
{
    private static readonly Dictionary<string, Func<HeadEndNode, Uri?>> Targets = new(StringComparer.OrdinalIgnoreCase)
    {
        ["tcp"] = node => node.PushEndpoints.Count > 0 ? Uri("tcp", node.PushEndpoints[0]) : null,
        ["udp"] = node => node.UdpPushEndpoints.Count > 0 ? Uri("udp", node.UdpPushEndpoints[0]) : null,
        ["mqtt"] = node => node.Mqtt?.Broker is { Endpoints.Count: > 0 } broker ? Uri("mqtt", broker.Endpoints[0]) : null,
        ["coap"] = node => node.CoapEndpoints.Count > 0 ? Uri("coap", node.CoapEndpoints[0]) : null,
    };

    public static IEnumerable<string> Schemes => Targets.Keys;

    public static Uri? For(string scheme, HeadEndNode node) => Targets.TryGetValue(scheme, out var target) ? target(node) : null;

    private static Uri Uri(string scheme, System.Net.IPEndPoint endpoint) => new(string.Create(CultureInfo.InvariantCulture, $"{scheme}://{endpoint}"));
}
