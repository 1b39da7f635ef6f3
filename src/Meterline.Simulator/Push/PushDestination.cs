using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Meterline.Simulator.Push;

/// <summary>Where pushes go: <c>tcp://host:port</c> or <c>udp://host:port</c> (the IEC 62056-47 wrapper on either), <c>coap://host:port</c> (POST to /dlms), or <c>mqtt://host:port</c> (a broker).</summary>
public sealed record PushDestination(PushTransport Transport, string Host, int Port)
{
    public static bool TryParse([NotNullWhen(true)] string? text, [NotNullWhen(true)] out PushDestination? destination, [NotNullWhen(false)] out string? error)
    {
        destination = null;
        if (string.IsNullOrWhiteSpace(text) || !Uri.TryCreate(text, UriKind.Absolute, out var uri))
        {
            error = $"'{text}' is not a push destination (tcp://host:port, udp://host:port or mqtt://host:port)";
            return false;
        }

        var transport = uri.Scheme switch
        {
            "tcp" => PushTransport.Tcp,
            "udp" => PushTransport.Udp,
            "coap" => PushTransport.Coap,
            "mqtt" => PushTransport.Mqtt,
            _ => (PushTransport?)null,
        };
        if (transport is null)
        {
            error = $"'{uri.Scheme}' is not a push transport: use tcp://, udp://, coap:// or mqtt://";
            return false;
        }

        if (uri.IsDefaultPort || uri.Port is < 1 or > ushort.MaxValue || string.IsNullOrEmpty(uri.Host) || uri.AbsolutePath is not ("" or "/") || uri.Query.Length > 0)
        {
            error = $"'{text}' needs a host and a port, and nothing after them";
            return false;
        }

        destination = new PushDestination(transport.Value, uri.IdnHost, uri.Port);
        error = null;
        return true;
    }

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Transport switch { PushTransport.Tcp => "tcp", PushTransport.Udp => "udp", PushTransport.Coap => "coap", _ => "mqtt" }}://{(Host.Contains(':', StringComparison.Ordinal) ? "[" + Host + "]" : Host)}:{Port}");
}
