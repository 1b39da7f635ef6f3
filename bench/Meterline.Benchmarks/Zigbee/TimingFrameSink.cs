using System.Collections.Concurrent;
using System.Diagnostics;
using Meterline.HeadEnd.Ingest;

namespace Meterline.Benchmarks.Zigbee;

/// <summary>
/// The head-end's end of the push-latency measurement: stands where the ingest pipeline would, and for each frame
/// submitted finds when its APDU was created at the meter (<see cref="Created"/>) and records the difference.
/// </summary>
internal sealed class TimingFrameSink : IInboundFrameSink
{
    private readonly ConcurrentDictionary<string, long> _created = new(StringComparer.Ordinal);
    private long _unknown;
    private long _bytes;

    public Latencies Latencies { get; } = new();

    /// <summary>Frames whose APDU was not created during the measurement (or arrived twice).</summary>
    public long Unknown => Interlocked.Read(ref _unknown);

    /// <summary>APDU bytes of the frames timed.</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>Pushes created and not (yet) submitted.</summary>
    public int Outstanding => _created.Count;

    /// <summary>Notes that the meter created (ciphered) this APDU now.</summary>
    public void Created(ReadOnlyMemory<byte> apdu) => _created[Convert.ToHexString(apdu.Span)] = Stopwatch.GetTimestamp();

    /// <summary>Forgets a push the meter's radio could not deliver.</summary>
    public void Lost(ReadOnlyMemory<byte> apdu) => _created.TryRemove(Convert.ToHexString(apdu.Span), out _);

    /// <summary>Input dropped before it made a frame (none on this path; counted with the unknown frames if any).</summary>
    public void RejectUnread(string linkId, string source, IngestRejectReason reason, string detail) => Interlocked.Increment(ref _unknown);

    public ValueTask<FrameAdmission> SubmitAsync(InboundFrame frame, CancellationToken cancellationToken = default)
    {
        if (_created.TryRemove(Convert.ToHexString(frame.Apdu.Span), out var created))
        {
            Latencies.Add(created);
            Interlocked.Add(ref _bytes, frame.Apdu.Length);
        }
        else
        {
            Interlocked.Increment(ref _unknown);
        }

        return ValueTask.FromResult(FrameAdmission.Queued);
    }
}
