using System.Net.Sockets;

namespace Meterline.Dlms.Links;

/// <summary>
/// The accept loop every TCP server here shares: accepts until cancelled, hands each socket to a callback that either
/// starts serving it (returning the serving task) or refuses it (disposing the socket and returning null), keeps the
/// serving tasks, and on the way out waits for all of them. A connection reset before it was accepted does not end the
/// loop.
/// </summary>
public static class TcpAcceptLoop
{
    public static async Task RunAsync(TcpListener listener, Func<Socket, Task?> serve, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(listener);
        ArgumentNullException.ThrowIfNull(serve);
        var connections = new List<Task>();
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                Socket socket;
                try
                {
                    socket = await listener.AcceptSocketAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (SocketException)
                {
                    // A connection reset before it was accepted: keep accepting.
                    continue;
                }

                connections.RemoveAll(task => task.IsCompleted);
                if (serve(socket) is { } serving)
                {
                    connections.Add(serving);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (ObjectDisposedException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            try
            {
                await Task.WhenAll(connections).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // A connection stopped by the same cancellation (mid-read at shutdown) is a clean stop, not a failure.
            }
        }
    }
}
