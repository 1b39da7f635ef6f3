using System.Net;
using System.Net.Sockets;

namespace Meterline.CrashSafety.Tests;

/// <summary>A loopback TCP port nobody listens on now (the system's choice for port 0, released at once).</summary>
internal static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
