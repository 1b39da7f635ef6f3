using System.Net;
using System.Net.Sockets;
using Meterline.Coap.Messages;

namespace Meterline.Coap.Tests.Endpoints;

/// <summary>A plain UDP socket on 127.0.0.1 that sends and receives raw datagrams, to see an endpoint byte for byte.</summary>
internal sealed class RawPeer : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);

    public RawPeer()
    {
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
    }

    public IPEndPoint EndPoint => (IPEndPoint)_socket.LocalEndPoint!;

    public Task SendAsync(IPEndPoint to, byte[] datagram) => _socket.SendToAsync(datagram, SocketFlags.None, to);

    public Task SendAsync(IPEndPoint to, CoapMessage message) => SendAsync(to, CoapMessageWriter.Encode(message));

    /// <summary>The next datagram, or null when none arrives within <paramref name="timeout"/>.</summary>
    public async Task<byte[]?> ReceiveAsync(TimeSpan timeout)
    {
        var buffer = new byte[65_536];
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            var result = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), cts.Token);
            return buffer.AsSpan(0, result.ReceivedBytes).ToArray();
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    public async Task<CoapMessage> ReceiveMessageAsync(TimeSpan timeout) =>
        CoapMessageReader.Read(await ReceiveAsync(timeout) ?? throw new TimeoutException("No datagram arrived."));

    public void Dispose() => _socket.Dispose();
}
