using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Meterline.Coap.Tests.Interop;

/// <summary>Runs libcoap's example programs (Debian libcoap3-bin, installed by scripts/ensure-libcoap.sh).</summary>
internal static class LibCoap
{
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    /// <summary>Runs coap-client-notls to completion and returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output, string Error)> ClientAsync(params string[] arguments)
    {
        using var process = Start("coap-client-notls", arguments);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(Bound);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
            }
        }

        return (process.ExitCode, await output, await error);
    }

    /// <summary>Starts a private coap-server-notls on a free UDP port of 127.0.0.1; dispose to stop it.</summary>
    public static Process Server(out int port, params string[] arguments)
    {
        port = FreeUdpPort();
        return Start("coap-server-notls", ["-A", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), .. arguments]);
    }

    public static void Stop(Process process)
    {
        if (!process.HasExited)
        {
            process.Kill();
            process.WaitForExit(5000);
        }

        process.Dispose();
    }

    private static int FreeUdpPort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    private static Process Start(string program, string[] arguments)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        return Process.Start(info) ?? throw new InvalidOperationException($"{program} did not start");
    }
}
