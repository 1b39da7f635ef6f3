using System.Net;
using System.Net.Sockets;
using System.Text;
using Meterline.HeadEnd.Mqtt.Framing;

namespace Meterline.HeadEnd.Mqtt.Tests;

/// <summary>Hand-made MQTT 5 packets over a raw socket, for what no well-behaved client sends.</summary>
internal static class RawMqtt
{
    /// <summary>A CONNECT (MQTT 5.0 §3.1) with clean start, user name and password, no properties.</summary>
    public static byte[] Connect(string clientId, string userName, string password)
    {
        var body = new List<byte> { 0x00, 0x04, (byte)'M', (byte)'Q', (byte)'T', (byte)'T', 0x05, 0xC2, 0x00, 0x3C, 0x00 };
        foreach (var field in new[] { clientId, userName, password })
        {
            var bytes = Encoding.UTF8.GetBytes(field);
            body.Add((byte)(bytes.Length >> 8));
            body.Add((byte)bytes.Length);
            body.AddRange(bytes);
        }

        var header = new byte[5];
        var length = MqttFixedHeader.Encode(header, MqttPacketType.Connect, 0, body.Count);
        return [.. header.AsSpan(0, length), .. body];
    }

    public static async Task<Socket> OpenAsync(IPEndPoint broker)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(broker).WaitAsync(MqttHeadEnd.Bound);
        return socket;
    }

    /// <summary>Reads until the broker closes the connection; returns what it sent before.</summary>
    public static async Task<byte[]> ReadUntilClosedAsync(Socket socket)
    {
        var received = new List<byte>();
        var buffer = new byte[1024];
        try
        {
            while (true)
            {
                var n = await socket.ReceiveAsync(buffer.AsMemory()).AsTask().WaitAsync(MqttHeadEnd.Bound);
                if (n == 0)
                {
                    return [.. received];
                }

                received.AddRange(buffer.AsSpan(0, n));
            }
        }
        catch (SocketException)
        {
            // Reset by the broker: closed as well.
            return [.. received];
        }
    }

    /// <summary>Reads one whole packet (CONNACK, say).</summary>
    public static async Task<byte[]> ReadPacketAsync(Socket socket)
    {
        var received = new List<byte>();
        var buffer = new byte[1];
        while (true)
        {
            var n = await socket.ReceiveAsync(buffer.AsMemory()).AsTask().WaitAsync(MqttHeadEnd.Bound);
            Assert.Equal(1, n);
            received.Add(buffer[0]);
            if (MqttFixedHeader.TryDecode(received.ToArray(), out var header) && received.Count == header.PacketLength)
            {
                return [.. received];
            }
        }
    }
}
