using System.Globalization;

namespace Meterline.HeadEnd.Ingest;

/// <summary>
/// Admits connections to every connection-oriented ingress before a byte is parsed: caps them per address and in
/// total, keeps at most <see cref="ConnectionGateOptions.MaxUnauthenticated"/> that have not yet proved who they are
/// (closing the oldest of those when a new one arrives), closes a connection that does not authenticate in time (a slow
/// or silent sender) and an authenticated one that falls idle. A refused connection and a sender closed for slowness
/// are refused at the sink (<see cref="IngestRejectReason.ConnectionLimited"/>, <see cref="IngestRejectReason.SlowSender"/>):
/// counted by reason and audited at most once per source and window, like a refused frame. Thread-safe.
/// </summary>
public sealed class ConnectionGate
{
    private readonly IInboundFrameSink _sink;
    private readonly TimeProvider _time;
    private readonly Dictionary<string, int> _perSource = new(StringComparer.Ordinal);
    private readonly LinkedList<ConnectionLease> _unauthenticated = new();
    private readonly Lock _lock = new();
    private int _open;
    private long _opened;
    private long _refused;
    private long _evicted;
    private long _timedOut;
    private long _idleClosed;

    public ConnectionGate(IInboundFrameSink sink, ConnectionGateOptions? options = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(sink);
        Options = options ?? new ConnectionGateOptions();
        Options.Validate();
        _sink = sink;
        _time = time ?? TimeProvider.System;
    }

    public ConnectionGateOptions Options { get; }

    /// <summary>Connections open now.</summary>
    public int Open
    {
        get
        {
            lock (_lock)
            {
                return _open;
            }
        }
    }

    /// <summary>Connections open now that have not authenticated.</summary>
    public int Unauthenticated
    {
        get
        {
            lock (_lock)
            {
                return _unauthenticated.Count;
            }
        }
    }

    /// <summary>Connections admitted since the gate was made.</summary>
    public long Opened => Interlocked.Read(ref _opened);

    /// <summary>Connections refused at once (address or total cap).</summary>
    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>Unauthenticated connections closed to make room for newer ones.</summary>
    public long Evicted => Interlocked.Read(ref _evicted);

    /// <summary>Connections closed because they did not authenticate in time.</summary>
    public long AuthenticationTimeouts => Interlocked.Read(ref _timedOut);

    /// <summary>Authenticated connections closed because they fell idle.</summary>
    public long IdleClosed => Interlocked.Read(ref _idleClosed);

    /// <summary>
    /// Admits a new connection, or refuses it (null; counted and audited) when its address holds
    /// <see cref="ConnectionGateOptions.MaxConnectionsPerAddress"/> connections or every slot is held by authenticated
    /// connections. The caller closes a refused connection at once, and disposes an admitted one's lease when it ends.
    /// </summary>
    /// <param name="linkId">The connection's link id, e.g. <c>mqtt:192.0.2.7:50123</c>.</param>
    /// <param name="source">The peer's address as text (the key of the per-address cap).</param>
    public ConnectionLease? TryOpen(string linkId, string source)
    {
        ArgumentNullException.ThrowIfNull(linkId);
        ArgumentNullException.ThrowIfNull(source);
        ConnectionLease? evict = null;
        ConnectionLease lease;
        string? refusal = null;
        lock (_lock)
        {
            var fromSource = _perSource.GetValueOrDefault(source);
            if (fromSource >= Options.MaxConnectionsPerAddress)
            {
                refusal = string.Create(CultureInfo.InvariantCulture, $"{fromSource} connections open from this address, at most {Options.MaxConnectionsPerAddress}");
            }
            else if (_open >= Options.MaxConnections || _unauthenticated.Count >= Options.MaxUnauthenticated)
            {
                if (_unauthenticated.First is { } oldest)
                {
                    evict = oldest.Value;
                    RemovePending(evict);
                }
                else
                {
                    refusal = string.Create(CultureInfo.InvariantCulture, $"{_open} connections open, at most {Options.MaxConnections}");
                }
            }

            if (refusal is null)
            {
                lease = new ConnectionLease(this, linkId, source, _time);
                lease.Pending = _unauthenticated.AddLast(lease);
                _perSource[source] = fromSource + 1;
                _open++;
            }
            else
            {
                lease = null!;
            }
        }

        if (refusal is not null)
        {
            Interlocked.Increment(ref _refused);
            _sink.RejectUnread(linkId, source, IngestRejectReason.ConnectionLimited, refusal);
            return null;
        }

        if (evict is not null && evict.TryClose(ConnectionCloseReason.Evicted))
        {
            // A refusal too, of the oldest unauthenticated peer rather than the newcomer: counted and audited as such.
            Interlocked.Increment(ref _evicted);
            _sink.RejectUnread(evict.LinkId, evict.Source, IngestRejectReason.ConnectionLimited,
                string.Create(CultureInfo.InvariantCulture, $"closed unauthenticated to make room: at most {Options.MaxUnauthenticated} connections may wait to authenticate"));
        }

        Interlocked.Increment(ref _opened);
        lease.Restart(Options.AuthenticationTimeout);
        return lease;
    }

    /// <summary>Takes the lease out of the unauthenticated pool; false if it was not in it.</summary>
    internal bool MarkAuthenticated(ConnectionLease lease)
    {
        lock (_lock)
        {
            if (lease.Pending is null || lease.CloseReason != ConnectionCloseReason.None)
            {
                return false;
            }

            RemovePending(lease);
            lease.IsAuthenticated = true;
            return true;
        }
    }

    internal void OnAuthenticationTimeout(ConnectionLease lease)
    {
        lock (_lock)
        {
            if (lease.Pending is null)
            {
                // Authenticated or evicted meanwhile.
                return;
            }

            RemovePending(lease);
        }

        if (lease.TryClose(ConnectionCloseReason.AuthenticationTimeout))
        {
            Interlocked.Increment(ref _timedOut);
            _sink.RejectUnread(lease.LinkId, lease.Source, IngestRejectReason.SlowSender,
                string.Create(CultureInfo.InvariantCulture, $"did not authenticate within {Options.AuthenticationTimeout.TotalSeconds:0.###} s of connecting"));
        }
    }

    internal void OnIdle(ConnectionLease lease)
    {
        if (lease.TryClose(ConnectionCloseReason.IdleTimeout))
        {
            Interlocked.Increment(ref _idleClosed);
        }
    }

    internal void Release(ConnectionLease lease)
    {
        lock (_lock)
        {
            if (lease.Pending is not null)
            {
                RemovePending(lease);
            }

            var left = _perSource.GetValueOrDefault(lease.Source) - 1;
            if (left <= 0)
            {
                _perSource.Remove(lease.Source);
            }
            else
            {
                _perSource[lease.Source] = left;
            }

            _open--;
        }
    }

    private void RemovePending(ConnectionLease lease)
    {
        _unauthenticated.Remove(lease.Pending!);
        lease.Pending = null;
    }
}
