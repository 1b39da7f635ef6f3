using System.Diagnostics.Metrics;

namespace Meterline.HeadEnd.Ingest;

/// <summary>
/// The ingest counters, both as System.Diagnostics.Metrics instruments (meter <see cref="MeterName"/>; rejections
/// carry a <c>reason</c> tag, see <see cref="IngestRejectReasonNames"/>) and as in-process totals for status pages
/// and tests.
/// </summary>
public sealed class IngestMetrics : IDisposable
{
    public const string MeterName = "Meterline.HeadEnd.Ingest";

    private static readonly int ReasonCount = Enum.GetValues<IngestRejectReason>().Length;
    private readonly System.Diagnostics.Metrics.Meter _meter;
    private readonly bool _ownsMeter;
    private readonly Counter<long> _rejected;
    private int _writesFailing;
    private readonly Counter<long> _accepted;
    private readonly Counter<long> _shed;
    private readonly Counter<long> _recordsStored;
    private readonly Counter<long> _writeFailures;
    private readonly Counter<long> _subscriberDrops;
    private readonly long[] _rejectedCounts = new long[ReasonCount];
    private long _acceptedCount;
    private long _shedCount;
    private long _batches;
    private long _recordsStoredCount;
    private long _writeFailureCount;
    private long _abandonedBatches;
    private long _subscriberDropCount;
    private long _afterCommitFailures;

    /// <param name="meterFactory">The host's meter factory; without one the instruments live on a meter this object owns.</param>
    public IngestMetrics(IMeterFactory? meterFactory = null)
    {
        _ownsMeter = meterFactory is null;
        _meter = meterFactory?.Create(MeterName) ?? new System.Diagnostics.Metrics.Meter(MeterName);
        _rejected = _meter.CreateCounter<long>("meterline.ingest.frames.rejected", "{frame}", "Inbound frames refused, by reason.");
        _accepted = _meter.CreateCounter<long>("meterline.ingest.frames.accepted", "{frame}", "Inbound frames authenticated, decoded and queued.");
        _shed = _meter.CreateCounter<long>("meterline.ingest.frames.shed", "{frame}", "Authenticated usage frames dropped because the queue was full.");
        _recordsStored = _meter.CreateCounter<long>("meterline.ingest.records.stored", "{record}", "Readings, snapshots and events committed (new or already stored).");
        _writeFailures = _meter.CreateCounter<long>("meterline.ingest.writes.failed", "{write}", "Batch writes that failed and were retried.");
        _subscriberDrops = _meter.CreateCounter<long>("meterline.ingest.subscriber.dropped", "{record}", "Records a slow subscriber lost.");
    }

    public long Rejected(IngestRejectReason reason) => Interlocked.Read(ref _rejectedCounts[(int)reason]);

    public long RejectedTotal => _rejectedCounts.Sum(c => Interlocked.Read(ref c));

    public long Accepted => Interlocked.Read(ref _acceptedCount);

    public long Shed => Interlocked.Read(ref _shedCount);

    /// <summary>Batches committed.</summary>
    public long Batches => Interlocked.Read(ref _batches);

    public long RecordsStored => Interlocked.Read(ref _recordsStoredCount);

    public long WriteFailures => Interlocked.Read(ref _writeFailureCount);

    /// <summary>True from a failed batch write until the next batch commits: the store refuses ingest now (readiness).</summary>
    public bool WritesFailing => Volatile.Read(ref _writesFailing) != 0;

    /// <summary>Batches given up after the last retry (their frames were acknowledged as failed, never as committed).</summary>
    public long AbandonedBatches => Interlocked.Read(ref _abandonedBatches);

    public long SubscriberDrops => Interlocked.Read(ref _subscriberDropCount);

    /// <summary>Failures after a commit (marking meters heard, key status, acknowledgement callbacks); the data is stored.</summary>
    public long AfterCommitFailures => Interlocked.Read(ref _afterCommitFailures);

    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }

    internal void OnRejected(IngestRejectReason reason)
    {
        Interlocked.Increment(ref _rejectedCounts[(int)reason]);
        _rejected.Add(1, new KeyValuePair<string, object?>("reason", reason.Tag()));
    }

    internal void OnAccepted()
    {
        Interlocked.Increment(ref _acceptedCount);
        _accepted.Add(1);
    }

    internal void OnShed()
    {
        Interlocked.Increment(ref _shedCount);
        _shed.Add(1);
    }

    internal void OnCommitted(int records)
    {
        Volatile.Write(ref _writesFailing, 0);
        Interlocked.Increment(ref _batches);
        Interlocked.Add(ref _recordsStoredCount, records);
        _recordsStored.Add(records);
    }

    internal void OnWriteFailed()
    {
        Volatile.Write(ref _writesFailing, 1);
        Interlocked.Increment(ref _writeFailureCount);
        _writeFailures.Add(1);
    }

    internal void OnAbandoned() => Interlocked.Increment(ref _abandonedBatches);

    internal void OnSubscriberDrop()
    {
        Interlocked.Increment(ref _subscriberDropCount);
        _subscriberDrops.Add(1);
    }

    internal void OnAfterCommitFailure() => Interlocked.Increment(ref _afterCommitFailures);
}
