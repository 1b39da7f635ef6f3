using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Meterline.Dlms.Wrapper;

namespace Meterline.LoadHarness;

/// <summary>
/// The client side of <c>memory</c>, in a process of its own so that its memory is not in the node's figure: meters
/// <c>from</c> to <c>from + count</c> of a kept storm fleet connect to the node and stay connected, idle. Over TCP each
/// opens a wrapper connection and sends its one recorded push (a connection counts as a meter's once the guard
/// accepted a frame from it); over MQTT each connects as an MQTT 5 client with its own credentials (keep-alive 120 s).
/// Prints <c>ready N</c> when all are connected and holds them until its standard input closes.
/// </summary>
internal static class IdleClients
{
    private const int ConnectConcurrency = 32;

    public static async Task<int> RunAsync(string transport, IPEndPoint endpoint, string keep, int meters, int from, int count, TextWriter output, CancellationToken cancellationToken)
    {
        var fleet = StormFleet.TryLoad(keep, meters) ?? throw new InvalidOperationException($"No fleet of {meters} meters kept in {keep}.");
        var sockets = new List<Socket>();
        MqttPushClients? mqtt = null;
        try
        {
            if (transport == "mqtt")
            {
                var provisioned = fleet.ReadProvisioning();
                mqtt = await MqttPushClients.ConnectAsync(endpoint, [.. provisioned.Skip(from).Take(count)], cancellationToken);
            }
            else
            {
                using var gate = new SemaphoreSlim(ConnectConcurrency);
                var opened = await Task.WhenAll(Enumerable.Range(from, count).Select(async i =>
                {
                    await gate.WaitAsync(cancellationToken);
                    try
                    {
                        var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                        await socket.ConnectAsync(endpoint, cancellationToken);
                        var apdu = fleet.Pushes[i];
                        var frame = new byte[WrapperFrame.HeaderLength + apdu.Length];
                        WrapperFrame.WriteHeader(frame, 1, 1, apdu.Length);
                        apdu.CopyTo(frame, WrapperFrame.HeaderLength);
                        await socket.SendAsync(frame, SocketFlags.None, cancellationToken);
                        return socket;
                    }
                    finally
                    {
                        gate.Release();
                    }
                }));
                sockets.AddRange(opened);
            }

            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ready {count}"));
            output.Flush();
            // Held until the node's side closes our standard input.
            await Console.In.ReadToEndAsync(cancellationToken);
            return 0;
        }
        finally
        {
            if (mqtt is not null)
            {
                await mqtt.DisposeAsync();
            }

            foreach (var socket in sockets)
            {
                socket.Dispose();
            }
        }
    }
}
