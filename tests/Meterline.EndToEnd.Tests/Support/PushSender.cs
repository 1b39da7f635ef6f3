using System.Net;
using System.Net.Sockets;
using Meterline.Dlms.Wrapper;

namespace Meterline.EndToEnd.Tests.Support;

/// <summary>
/// A TCP connection to the head-end's push port from a chosen loopback address (127.0.0.2 is another host to the
/// node), sending what a meter — or an attacker — would: wrapper frames from wPort 1 to wPort 1, or raw bytes.
/// </summary>
internal sealed class PushSender : IAsyncDisposable
{
    private readonly TcpClient _client;
    private readonly NetworkStream _stream;

    private PushSender(TcpClient client)
    {
        _client = client;
        _stream = client.GetStream();
    }

    public static async Task<PushSender> ConnectAsync(IPEndPoint node, IPAddress from, CancellationToken cancellationToken)
    {
        var client = new TcpClient(new IPEndPoint(from, 0)) { NoDelay = true };
        try
        {
            await client.ConnectAsync(node, cancellationToken);
            return new PushSender(client);
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    public ValueTask SendAsync(ReadOnlyMemory<byte> apdu, CancellationToken cancellationToken) =>
        SendRawAsync(new WrapperFrame(1, 1, apdu).ToArray(), cancellationToken);

    public async ValueTask SendRawAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        await _stream.WriteAsync(bytes, cancellationToken);
        await _stream.FlushAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _client.Dispose();
    }
}
