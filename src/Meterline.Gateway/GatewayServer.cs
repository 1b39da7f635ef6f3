using System.Net.Sockets;
using Meterline.Dlms;
using Meterline.Dlms.Gateway;
using Meterline.Dlms.Links;
using Meterline.Zigbee.Frames;

namespace Meterline.Gateway;

/// <summary>
/// The concentrator's upstream side: head-end connections over TCP with the IEC 62056-47 wrapper, each APDU a DLMS/COSEM
/// gateway PDU (<see cref="GatewayPdu"/>): a gateway-request names the meter by its 64-bit radio address and carries
/// the APDU for it; the meter's answers come back as gateway-responses on the same connection. The client wPort of
/// the connection (learnt from its first frame) is the client wPort towards the meters. A frame that is not a
/// gateway-request, or names an address of another length, is counted and dropped.
/// </summary>
public sealed class GatewayServer
{
    /// <summary>The wPort the gateway answers as on its upstream side.</summary>
    public const ushort GatewayWPort = 1;

    private readonly ZigbeeConcentrator _concentrator;
    private readonly GatewayServerOptions _options;
    private int _connections;
    private long _refusedConnections;
    private long _malformedRequests;
    private long _requestsForwarded;
    private long _responsesReturned;
    private long _failedRequests;

    public GatewayServer(ZigbeeConcentrator concentrator, GatewayServerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(concentrator);
        _concentrator = concentrator;
        _options = options ?? new GatewayServerOptions();
    }

    public int Connections => Volatile.Read(ref _connections);

    public long RefusedConnections => Interlocked.Read(ref _refusedConnections);

    public long MalformedRequests => Interlocked.Read(ref _malformedRequests);

    public long RequestsForwarded => Interlocked.Read(ref _requestsForwarded);

    public long ResponsesReturned => Interlocked.Read(ref _responsesReturned);

    /// <summary>Requests that could not be delivered to their meter (radio failure or busy session).</summary>
    public long FailedRequests => Interlocked.Read(ref _failedRequests);

    /// <summary>Accepts head-end connections until cancelled.</summary>
    public async Task ServeTcpAsync(TcpListener listener, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(listener);
        await TcpAcceptLoop.RunAsync(listener, socket =>
        {
            if (Interlocked.Increment(ref _connections) > _options.MaxConnections)
            {
                Interlocked.Decrement(ref _connections);
                Interlocked.Increment(ref _refusedConnections);
                socket.Dispose();
                return null;
            }

            return ServeConnectionAsync(socket, cancellationToken);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Serves one head-end connection over an APDU link (the wrapper link of a TCP connection).</summary>
    public async Task ServeAsync(WrapperLink link, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(link);
        var sessions = new Dictionary<XBeeAddress64, (DatagramWrapperLink Link, Task Forwarding)>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        try
        {
            while (!stop.IsCancellationRequested)
            {
                ReadOnlyMemory<byte> apdu;
                using (var idle = CancellationTokenSource.CreateLinkedTokenSource(stop.Token))
                {
                    idle.CancelAfter(_options.IdleTimeout);
                    try
                    {
                        apdu = await link.ReceiveAsync(idle.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (!stop.IsCancellationRequested)
                    {
                        return;
                    }
                }

                if (!TryReadRequest(apdu, out var request, out var address))
                {
                    Interlocked.Increment(ref _malformedRequests);
                    continue;
                }

                if (!sessions.TryGetValue(address, out var session) || session.Link.Completion.IsCompleted)
                {
                    if (sessions.Count >= _options.MaxSessionsPerConnection || link.RemoteWPort is not { } clientWPort)
                    {
                        Interlocked.Increment(ref _failedRequests);
                        continue;
                    }

                    DatagramWrapperLink opened;
                    try
                    {
                        opened = _concentrator.OpenSession(address, clientWPort);
                    }
                    catch (DlmsLinkException)
                    {
                        Interlocked.Increment(ref _failedRequests);
                        continue;
                    }

                    session = (opened, ForwardResponsesAsync(opened, link, request.NetworkId, request.PhysicalDeviceAddress.ToArray(), stop.Token));
                    sessions[address] = session;
                }

                try
                {
                    await session.Link.SendAsync(request.Apdu, stop.Token).ConfigureAwait(false);
                    Interlocked.Increment(ref _requestsForwarded);
                }
                catch (DlmsLinkException)
                {
                    // The radio could not deliver it: the head-end's request times out, as it would on a lossy link.
                    Interlocked.Increment(ref _failedRequests);
                }
            }
        }
        catch (DlmsLinkException)
        {
            // The head-end closed the connection.
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            foreach (var (sessionLink, _) in sessions.Values)
            {
                sessionLink.Complete();
            }

            await Task.WhenAll(sessions.Values.Select(s => s.Forwarding)).ConfigureAwait(false);
        }
    }

    private bool TryReadRequest(ReadOnlyMemory<byte> apdu, out GatewayPdu request, out XBeeAddress64 address)
    {
        request = null!;
        address = default;
        try
        {
            request = GatewayPdu.Decode(apdu);
        }
        catch (DlmsFormatException)
        {
            return false;
        }

        if (request.Direction != GatewayDirection.Request || request.PhysicalDeviceAddress.Length != XBeeAddress64.Length
            || (_options.NetworkId != 0 && request.NetworkId != _options.NetworkId))
        {
            return false;
        }

        address = XBeeAddress64.Decode(request.PhysicalDeviceAddress.Span);
        return true;
    }

    private async Task ForwardResponsesAsync(DatagramWrapperLink session, WrapperLink upstream, byte networkId, byte[] address, CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var apdu = await session.ReceiveAsync(cancellationToken).ConfigureAwait(false);
                await upstream.SendAsync(new GatewayPdu(GatewayDirection.Response, networkId, address, apdu).ToArray(), cancellationToken).ConfigureAwait(false);
                Interlocked.Increment(ref _responsesReturned);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (DlmsLinkException)
        {
            // The session or the upstream connection ended.
        }
    }

    private async Task ServeConnectionAsync(Socket socket, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Yield();
            await using var link = WrapperLink.Start(TcpTransport.FromAccepted(socket), localWPort: GatewayWPort, remoteWPort: null);
            await ServeAsync(link, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _connections);
        }
    }
}
