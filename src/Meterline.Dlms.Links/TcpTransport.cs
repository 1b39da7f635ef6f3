using System.Net;
using System.Net.Sockets;

namespace Meterline.Dlms.Links;

/// <summary>Opens TCP connections as duplex pipes, translating socket errors to <see cref="DlmsLinkException"/>.</summary>
public static class TcpTransport
{
    /// <summary>Connects to <paramref name="host"/>:<paramref name="port"/> with Nagle off (DLMS is request/response).</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA2000", Justification = "The socket is owned by the NetworkStream returned, or disposed on every failure path.")]
    public static async Task<StreamDuplexPipe> ConnectAsync(string host, int port, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.NoDelay = true;
            using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeoutSource.CancelAfter(timeout);
            await socket.ConnectAsync(host, port, timeoutSource.Token).ConfigureAwait(false);
            return new StreamDuplexPipe(new NetworkStream(socket, ownsSocket: true), owner: null, zeroByteReads: true);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            throw new DlmsLinkException($"Connecting to {host}:{port} timed out after {timeout.TotalSeconds:0.#} s", isTransient: true, e);
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new DlmsLinkException($"Connecting to {host}:{port} failed: {e.SocketErrorCode}", isTransient: true, e);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Wraps an accepted socket (from a listener) as a duplex pipe that holds no read buffer while the peer is silent.</summary>
    public static StreamDuplexPipe FromAccepted(Socket socket)
    {
        ArgumentNullException.ThrowIfNull(socket);
        socket.NoDelay = true;
        return new StreamDuplexPipe(new NetworkStream(socket, ownsSocket: true), owner: null, zeroByteReads: true);
    }

    /// <summary>A listener on <paramref name="endpoint"/> (port 0 picks a free port).</summary>
    public static TcpListener Listen(IPEndPoint endpoint)
    {
        var listener = new TcpListener(endpoint);
        listener.Start();
        return listener;
    }
}
