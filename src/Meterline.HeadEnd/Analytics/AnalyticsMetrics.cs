namespace Meterline.HeadEnd.Analytics;

/// <summary>What the analytics service did: windows evaluated, findings, alerts opened, failures (a window that could not be read or a rule that threw), full passes.</summary>
public sealed class AnalyticsMetrics
{
    private long _windows;
    private long _findings;
    private long _opened;
    private long _failures;
    private long _fullPasses;

    public long Windows => Interlocked.Read(ref _windows);

    public long Findings => Interlocked.Read(ref _findings);

    public long AlertsOpened => Interlocked.Read(ref _opened);

    public long Failures => Interlocked.Read(ref _failures);

    public long FullPasses => Interlocked.Read(ref _fullPasses);

    /// <summary>The last failure's message (for status pages), or null.</summary>
    public string? LastFailure { get; private set; }

    internal void OnWindow() => Interlocked.Increment(ref _windows);

    internal void OnFinding() => Interlocked.Increment(ref _findings);

    internal void OnOpened() => Interlocked.Increment(ref _opened);

    internal void OnFullPass() => Interlocked.Increment(ref _fullPasses);

    internal void OnFailure(Exception e)
    {
        Interlocked.Increment(ref _failures);
        LastFailure = e.GetType().Name + ": " + e.Message;
    }
}
