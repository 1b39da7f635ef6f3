namespace Meterline.Simulator.Hosting;

/// <summary>Counters of a <see cref="FleetHost"/>, updated concurrently.</summary>
public sealed class FleetHostStatistics
{
    private long _open;
    private long _accepted;
    private long _refused;
    private long _unroutable;
    private long _apdusReceived;
    private long _apdusAnswered;
    private long _apdusWhileUnpowered;
    private long _idleClosed;

    /// <summary>Connections open now.</summary>
    public long OpenConnections => Interlocked.Read(ref _open);

    /// <summary>Connections accepted and served (routed to a meter).</summary>
    public long AcceptedConnections => Interlocked.Read(ref _accepted);

    /// <summary>Connections closed at once because a connection cap was reached.</summary>
    public long RefusedConnections => Interlocked.Read(ref _refused);

    /// <summary>Shared-port connections closed because the first frame named no meter of the fleet (or never came).</summary>
    public long UnroutableConnections => Interlocked.Read(ref _unroutable);

    /// <summary>APDUs received by a powered meter.</summary>
    public long ApdusReceived => Interlocked.Read(ref _apdusReceived);

    /// <summary>APDUs sent by meters in answer.</summary>
    public long ApdusAnswered => Interlocked.Read(ref _apdusAnswered);

    /// <summary>APDUs not answered because their meter was without power.</summary>
    public long ApdusWhileUnpowered => Interlocked.Read(ref _apdusWhileUnpowered);

    /// <summary>Connections closed after <see cref="FleetHostOptions.IdleTimeout"/> without an APDU.</summary>
    public long IdleClosed => Interlocked.Read(ref _idleClosed);

    internal void ConnectionOpened() => Interlocked.Increment(ref _open);

    internal void ConnectionClosed() => Interlocked.Decrement(ref _open);

    internal void Accepted() => Interlocked.Increment(ref _accepted);

    internal void Refused() => Interlocked.Increment(ref _refused);

    internal void Unroutable() => Interlocked.Increment(ref _unroutable);

    internal void ApduReceived() => Interlocked.Increment(ref _apdusReceived);

    internal void ApduAnswered() => Interlocked.Increment(ref _apdusAnswered);

    internal void ApduWhileUnpowered() => Interlocked.Increment(ref _apdusWhileUnpowered);

    internal void Idle() => Interlocked.Increment(ref _idleClosed);
}
