using System.Net;

namespace Meterline.Coap.Endpoints;

/// <summary>
/// NSTART (RFC 7252 §4.7) = 1: one outstanding request per peer, for at most a bounded number of peers at once. A
/// peer's gate exists only while someone holds or waits for it.
/// </summary>
internal sealed class PeerGates(int maxPeers)
{
    private readonly Dictionary<IPEndPoint, Gate> _gates = [];
    private readonly Lock _lock = new();

    public async Task<IDisposable> EnterAsync(IPEndPoint peer, CancellationToken cancellationToken)
    {
        Gate gate;
        lock (_lock)
        {
            if (!_gates.TryGetValue(peer, out gate!))
            {
                if (_gates.Count >= maxPeers)
                {
                    throw new CoapExchangeException($"Requests to {maxPeers} peers are outstanding already.", isTransient: true);
                }

                gate = new Gate();
                _gates[peer] = gate;
            }

            gate.Users++;
        }

        try
        {
            await gate.Semaphore.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            Leave(peer, gate);
            throw;
        }

        return new Lease(this, peer, gate);
    }

    private void Leave(IPEndPoint peer, Gate gate)
    {
        lock (_lock)
        {
            if (--gate.Users == 0)
            {
                _gates.Remove(peer);
                gate.Semaphore.Dispose();
            }
        }
    }

    private sealed class Gate
    {
        public SemaphoreSlim Semaphore { get; } = new(1, 1);

        public int Users { get; set; }
    }

    private sealed class Lease(PeerGates owner, IPEndPoint peer, Gate gate) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                gate.Semaphore.Release();
                owner.Leave(peer, gate);
            }
        }
    }
}
