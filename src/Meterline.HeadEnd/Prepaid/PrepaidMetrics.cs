namespace Meterline.HeadEnd.Prepaid;

/// <summary>Counters of the prepaid loop (read by tests and status).</summary>
public sealed class PrepaidMetrics
{
    private long _settlements;
    private long _deductions;
    private long _commands;
    private long _failures;
    private long _fullPasses;
    private long _rounds;
    private long _expiredAdjustments;
    private long _adjustmentExpirySweeps;
    private long _groupedReads;

    public long Settlements => Interlocked.Read(ref _settlements);

    public long Deductions => Interlocked.Read(ref _deductions);

    public long Commands => Interlocked.Read(ref _commands);

    public long Failures => Interlocked.Read(ref _failures);

    public long FullPasses => Interlocked.Read(ref _fullPasses);

    /// <summary>Rounds of the loop finished (a full pass or the consumers the feed touched).</summary>
    public long Rounds => Interlocked.Read(ref _rounds);

    /// <summary>Adjustment requests marked Expired by the node's sweep.</summary>
    public long ExpiredAdjustments => Interlocked.Read(ref _expiredAdjustments);

    /// <summary>Sweeps for expired adjustment requests finished (with or without finding any).</summary>
    public long AdjustmentExpirySweeps => Interlocked.Read(ref _adjustmentExpirySweeps);

    /// <summary>Grouped store reads of a round's meters (intervals, snapshots; <see cref="PrepaidReadAhead"/>).</summary>
    public long GroupedReads => Interlocked.Read(ref _groupedReads);

    /// <summary>The last failure's message (a store error, a refused command), for status.</summary>
    public string? LastFailure { get; private set; }

    internal void OnSettlement() => Interlocked.Increment(ref _settlements);

    internal void OnDeduction() => Interlocked.Increment(ref _deductions);

    internal void OnCommand() => Interlocked.Increment(ref _commands);

    internal void OnFullPass() => Interlocked.Increment(ref _fullPasses);

    internal void OnRound() => Interlocked.Increment(ref _rounds);

    internal void OnAdjustmentsExpired(int count) => Interlocked.Add(ref _expiredAdjustments, count);

    internal void OnAdjustmentExpirySweep() => Interlocked.Increment(ref _adjustmentExpirySweeps);

    internal void OnGroupedReads(int reads) => Interlocked.Add(ref _groupedReads, reads);

    internal void OnFailure(Exception exception)
    {
        Interlocked.Increment(ref _failures);
        LastFailure = exception.GetType().Name + ": " + exception.Message;
    }
}
