namespace Meterline.Simulator.Attacks;

/// <summary>What an attack has done so far, counted from many sending loops at once. Thread-safe.</summary>
public sealed class AttackCounters
{
    private long _framesSent;
    private long _connectionsOpened;
    private long _closedByTarget;
    private long _errors;

    public long FramesSent => Interlocked.Read(ref _framesSent);

    public long ConnectionsOpened => Interlocked.Read(ref _connectionsOpened);

    public long ConnectionsClosedByTarget => Interlocked.Read(ref _closedByTarget);

    public long Errors => Interlocked.Read(ref _errors);

    public void OnSent(long frames = 1) => Interlocked.Add(ref _framesSent, frames);

    public void OnOpened() => Interlocked.Increment(ref _connectionsOpened);

    public void OnClosedByTarget() => Interlocked.Increment(ref _closedByTarget);

    public void OnError() => Interlocked.Increment(ref _errors);

    public AttackReport ToReport(TimeSpan elapsed) => new(FramesSent, ConnectionsOpened, ConnectionsClosedByTarget, Errors, elapsed);
}
