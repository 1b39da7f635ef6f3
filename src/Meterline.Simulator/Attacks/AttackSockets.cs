using System.Net;
using System.Net.Sockets;

namespace Meterline.Simulator.Attacks;

/// <summary>Socket helpers of the wrapper attacks: the target's endpoint and connections from chosen local addresses.</summary>
public static class AttackSockets
{
    /// <summary>How long a connect may take before it counts as an error.</summary>
    public static TimeSpan ConnectTimeout { get; } = TimeSpan.FromSeconds(5);

    /// <summary>The target URI's host and port (default 4059, the DLMS/COSEM port).</summary>
    public static IPEndPoint Endpoint(Uri target)
    {
        ArgumentNullException.ThrowIfNull(target);
        var port = target.IsDefaultPort || target.Port < 0 ? 4059 : target.Port;
        if (IPAddress.TryParse(target.Host.Trim('[', ']'), out var address))
        {
            return new IPEndPoint(address, port);
        }

        var resolved = Dns.GetHostAddresses(target.Host);
        return resolved.Length > 0 ? new IPEndPoint(resolved[0], port) : throw new ArgumentException($"{target.Host} does not resolve.", nameof(target));
    }

    /// <summary>The local address of connection <paramref name="index"/> (round robin over <paramref name="sources"/>), or null to let the OS choose.</summary>
    public static IPAddress? SourceFor(IReadOnlyList<IPAddress> sources, int index)
    {
        ArgumentNullException.ThrowIfNull(sources);
        return sources.Count == 0 ? null : sources[index % sources.Count];
    }

    /// <summary>Connects a TCP socket from <paramref name="source"/> (any port) to <paramref name="target"/>; null when it fails.</summary>
    public static async Task<Socket?> ConnectAsync(IPEndPoint target, IPAddress? source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        var socket = new Socket(target.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            if (source is not null)
            {
                socket.Bind(new IPEndPoint(source, 0));
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(ConnectTimeout);
            await socket.ConnectAsync(target, timeout.Token).ConfigureAwait(false);
            return socket;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            socket.Dispose();
            if (e is OperationCanceledException && cancellationToken.IsCancellationRequested)
            {
                throw;
            }

            return null;
        }
    }

    /// <summary>
    /// Parses <c>127.0.0.2-127.0.0.200</c> (an IPv4 range, at most 65,536 addresses) or a comma-separated list of
    /// addresses.
    /// </summary>
    /// <exception cref="FormatException">Not a range or list of addresses.</exception>
    public static IReadOnlyList<IPAddress> ParseAddresses(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var dash = text.IndexOf('-', StringComparison.Ordinal);
        if (dash < 0)
        {
            return [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(a => IPAddress.TryParse(a, out var ip) ? ip : throw new FormatException($"'{a}' is not an IP address."))];
        }

        if (!IPAddress.TryParse(text[..dash].Trim(), out var first) || !IPAddress.TryParse(text[(dash + 1)..].Trim(), out var last)
            || first.AddressFamily != AddressFamily.InterNetwork || last.AddressFamily != AddressFamily.InterNetwork)
        {
            throw new FormatException($"'{text}' is not a range of IPv4 addresses (first-last).");
        }

        var from = ToNumber(first);
        var to = ToNumber(last);
        if (to < from || to - from >= 65_536)
        {
            throw new FormatException($"'{text}': the range runs upwards and holds at most 65536 addresses.");
        }

        var addresses = new List<IPAddress>((int)(to - from + 1));
        for (var n = from; n <= to; n++)
        {
            addresses.Add(new IPAddress([(byte)(n >> 24), (byte)(n >> 16), (byte)(n >> 8), (byte)n]));
        }

        return addresses;
    }

    private static uint ToNumber(IPAddress address)
    {
        var bytes = address.GetAddressBytes();
        return ((uint)bytes[0] << 24) | ((uint)bytes[1] << 16) | ((uint)bytes[2] << 8) | bytes[3];
    }
}
