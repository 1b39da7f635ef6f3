namespace Meterline.HeadEnd.Ingest;

/// <summary>
/// One connection's slot in the <see cref="ConnectionGate"/>. The transport serving the connection watches
/// <see cref="Closing"/> and closes the connection when it fires, calls <see cref="Authenticated"/> once the peer has
/// proved who it is, <see cref="Touch"/> on each frame, and disposes the lease when the connection ends (exactly once).
/// </summary>
public sealed class ConnectionLease : IDisposable
{
    private readonly ConnectionGate _gate;
    private readonly CancellationTokenSource _closing = new();
    private readonly ITimer _timer;
    private int _closeReason;
    private int _disposed;

    internal ConnectionLease(ConnectionGate gate, string linkId, string source, TimeProvider time)
    {
        _gate = gate;
        LinkId = linkId;
        Source = source;
        Closing = _closing.Token;
        _timer = time.CreateTimer(static state => ((ConnectionLease)state!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public string LinkId { get; }

    public string Source { get; }

    /// <summary>Fires when the gate wants the connection closed; <see cref="CloseReason"/> says why.</summary>
    public CancellationToken Closing { get; }

    public ConnectionCloseReason CloseReason => (ConnectionCloseReason)Volatile.Read(ref _closeReason);

    /// <summary>Whether <see cref="Authenticated"/> was called.</summary>
    public bool IsAuthenticated { get; internal set; }

    /// <summary>The node in the gate's list of unauthenticated connections (oldest first); null once authenticated.</summary>
    internal LinkedListNode<ConnectionLease>? Pending { get; set; }

    /// <summary>
    /// The peer proved who it is: the lease leaves the unauthenticated pool (it can no longer be evicted) and the
    /// authentication timeout becomes the idle timeout. Later calls do nothing.
    /// </summary>
    public void Authenticated()
    {
        if (_gate.MarkAuthenticated(this))
        {
            Restart(_gate.Options.IdleTimeout);
        }
    }

    /// <summary>The peer delivered something: restarts the idle timeout (after authentication; before it the authentication timeout runs on).</summary>
    public void Touch()
    {
        if (IsAuthenticated)
        {
            Restart(_gate.Options.IdleTimeout);
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _timer.Dispose();
        _gate.Release(this);
        _closing.Dispose();
    }

    /// <summary>Asks the connection to close (once); false if it was already asked or has ended.</summary>
    internal bool TryClose(ConnectionCloseReason reason)
    {
        if (Interlocked.CompareExchange(ref _closeReason, (int)reason, (int)ConnectionCloseReason.None) != (int)ConnectionCloseReason.None
            || Volatile.Read(ref _disposed) != 0)
        {
            return false;
        }

        try
        {
            _closing.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Disposed between the check and the cancel: the connection has ended anyway.
            return false;
        }

        return true;
    }

    /// <summary>Arms the timer that fires <see cref="Closing"/> when the peer stays silent for <paramref name="after"/>.</summary>
    internal void Restart(TimeSpan after)
    {
        if (Volatile.Read(ref _disposed) != 0 || CloseReason != ConnectionCloseReason.None)
        {
            return;
        }

        try
        {
            _timer.Change(after, Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
            // The connection ended meanwhile.
        }
    }

    private void OnTimer()
    {
        if (IsAuthenticated)
        {
            _gate.OnIdle(this);
        }
        else
        {
            _gate.OnAuthenticationTimeout(this);
        }
    }
}
