using System.Net.Sockets;
using Meterline.Dlms.Associations;

namespace Meterline.Dlms.Links;

/// <summary>
/// Serves one logical device's application associations on links (the meter's side). On each link it keeps one
/// <see cref="ServerAssociation"/> per client SAP, created on demand by the factory (null: this device offers no
/// association to that client, and its APDUs are dropped and counted), and answers every APDU with what the
/// association returns. A released or aborted association is discarded, so the next AARQ starts afresh.
/// </summary>
public sealed class DlmsServer
{
    private readonly Func<int, ServerAssociation?> _associationFactory;
    private long _unknownClients;
    private int _connections;
    private long _refusedConnections;

    /// <param name="associationFactory">
    /// Creates the association offered to a client SAP, or null when there is none. The associations it creates must
    /// share the device's one outgoing invocation counter and one guard of client counters (persisted by the device):
    /// a fresh counter per association would repeat counter values, which clients rightly refuse as replays.
    /// </param>
    public DlmsServer(Func<int, ServerAssociation?> associationFactory)
    {
        ArgumentNullException.ThrowIfNull(associationFactory);
        _associationFactory = associationFactory;
    }

    /// <summary>APDUs dropped because no association is offered to their client SAP.</summary>
    public long UnknownClients => Interlocked.Read(ref _unknownClients);

    /// <summary>TCP connections closed at once because the connection cap was reached.</summary>
    public long RefusedConnections => Interlocked.Read(ref _refusedConnections);

    /// <summary>Serves one link until it closes; <paramref name="clientSap"/> says which client sent the current APDU.</summary>
    public async Task ServeAsync(IApduLink link, Func<int?> clientSap, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(link);
        ArgumentNullException.ThrowIfNull(clientSap);
        var associations = new Dictionary<int, ServerAssociation>();
        var sessions = link as IApduLinkSessions;
        var generation = sessions?.SessionGeneration ?? 0;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var apdu = await link.ReceiveAsync(cancellationToken).ConfigureAwait(false);
                if (sessions is not null && sessions.SessionGeneration != generation)
                {
                    // The lower layer's session ended (HDLC DISC or inactivity): so did its associations.
                    generation = sessions.SessionGeneration;
                    DisposeAll(associations);
                }

                if (clientSap() is not { } sap)
                {
                    Interlocked.Increment(ref _unknownClients);
                    continue;
                }

                if (!associations.TryGetValue(sap, out var association))
                {
                    association = _associationFactory(sap);
                    if (association is null)
                    {
                        Interlocked.Increment(ref _unknownClients);
                        continue;
                    }

                    associations[sap] = association;
                }

                var response = association.Receive(apdu.Span);
                if (response is { } bytes)
                {
                    await link.SendAsync(bytes, cancellationToken).ConfigureAwait(false);
                }

                if (association.State is AssociationState.Released or AssociationState.Aborted)
                {
                    association.Dispose();
                    associations.Remove(sap);
                }
            }
        }
        catch (DlmsLinkException)
        {
            // The client closed the link; its associations end with it.
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            DisposeAll(associations);
        }
    }

    private static void DisposeAll(Dictionary<int, ServerAssociation> associations)
    {
        foreach (var association in associations.Values)
        {
            association.Dispose();
        }

        associations.Clear();
    }

    /// <summary>Accepts DLMS/TCP connections (wrapper framing) for the logical device <paramref name="wPort"/>.</summary>
    public async Task ServeTcpAsync(TcpListener listener, ushort wPort = 1, int maxConnections = 1024, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(listener);
        await TcpAcceptLoop.RunAsync(listener, socket =>
        {
            if (Interlocked.Increment(ref _connections) > maxConnections)
            {
                Interlocked.Decrement(ref _connections);
                Interlocked.Increment(ref _refusedConnections);
                socket.Dispose();
                return null;
            }

            return ServeConnectionAsync(socket, wPort, cancellationToken);
        }, cancellationToken).ConfigureAwait(false);
    }

    private async Task ServeConnectionAsync(Socket socket, ushort wPort, CancellationToken cancellationToken)
    {
        try
        {
            await using var pipe = TcpTransport.FromAccepted(socket);
            await using var link = WrapperLink.Start(pipe, wPort, remoteWPort: null);
            await ServeAsync(link, () => link.RemoteWPort, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _connections);
        }
    }
}
