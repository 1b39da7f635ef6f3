using Meterline.HeadEnd.Communication;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Readings;

namespace Meterline.HeadEnd.Ingest;

/// <summary>
/// Fills gaps in meters' interval data: finds them with the <see cref="GapDetector"/>, then reads each range from the
/// meter's load profile (<see cref="IMeterSession.ReadLoadProfileAsync"/>, a range read) through a connector that can
/// reach it, and stores what it read with quality Authenticated | BackFilled. At most
/// <see cref="BackfillOptions.MaxConcurrency"/> meters at once and <see cref="BackfillOptions.MaxMetersPerRun"/> per
/// run; meters with compromised keys or no reachable endpoint are skipped. Writes are idempotent, so a reading that
/// arrives by push meanwhile is stored once.
/// </summary>
public sealed class BackfillService
{
    private readonly IMeterRepository _meters;
    private readonly IReadingStore _store;
    private readonly IReadOnlyList<IMeterConnector> _connectors;
    private readonly GapDetector _detector;
    private readonly BackfillOptions _options;
    private readonly TimeProvider _time;

    public BackfillService(IMeterRepository meters, IReadingStore store, IEnumerable<IMeterConnector> connectors, GapDetector detector, BackfillOptions? options = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(meters);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(connectors);
        ArgumentNullException.ThrowIfNull(detector);
        _options = options ?? new BackfillOptions();
        _options.Validate();
        _meters = meters;
        _store = store;
        _connectors = connectors.ToArray();
        _detector = detector;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Runs <see cref="RunOnceAsync"/> every <see cref="BackfillOptions.Period"/> until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_options.Period, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                await RunOnceAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One pass over the registry.</summary>
    public async Task<BackfillRunResult> RunOnceAsync(CancellationToken cancellationToken = default)
    {
        var checkedMeters = 0;
        var withGaps = 0;
        var deferred = 0;
        var work = new List<(Meter Meter, IMeterConnector Connector, IReadOnlyList<GapRange> Gaps)>();
        await foreach (var meter in _meters.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            if (meter.KeyStatus == KeyStatus.Compromised || meter.Endpoint is not { } endpoint || _connectors.FirstOrDefault(c => c.CanReach(endpoint)) is not { } connector)
            {
                continue;
            }

            checkedMeters++;
            var gaps = await _detector.FindGapsAsync(meter.Id, cancellationToken).ConfigureAwait(false);
            if (gaps.Count == 0)
            {
                continue;
            }

            withGaps++;
            if (work.Count >= _options.MaxMetersPerRun)
            {
                deferred++;
                continue;
            }

            work.Add((meter, connector, gaps.Take(_options.MaxRangesPerMeter).ToArray()));
        }

        var backfilled = 0;
        var written = 0;
        var failures = 0;
        await Parallel.ForEachAsync(work, new ParallelOptions { MaxDegreeOfParallelism = _options.MaxConcurrency, CancellationToken = cancellationToken }, async (item, token) =>
        {
            var inserted = await BackfillMeterAsync(item.Meter, item.Connector, item.Gaps, token).ConfigureAwait(false);
            if (inserted is { } count)
            {
                Interlocked.Increment(ref backfilled);
                Interlocked.Add(ref written, count);
            }
            else
            {
                Interlocked.Increment(ref failures);
            }
        }).ConfigureAwait(false);

        return new BackfillRunResult(checkedMeters, withGaps, deferred, backfilled, written, failures);
    }

    /// <summary>Reads and stores one meter's gaps; the number of new readings, or null when the meter could not be read.</summary>
    private async Task<int?> BackfillMeterAsync(Meter meter, IMeterConnector connector, IReadOnlyList<GapRange> gaps, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(_options.SessionTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            var readings = new List<IntervalReading>();
            var session = await connector.OpenAsync(meter, linked.Token).ConfigureAwait(false);
            await using (session.ConfigureAwait(false))
            {
                foreach (var gap in gaps)
                {
                    var read = await session.ReadLoadProfileAsync(meter.Id, gap.From, gap.To, linked.Token).ConfigureAwait(false);
                    readings.AddRange(read
                        .Where(r => r.Meter == meter.Id && r.Time >= gap.From && r.Time <= gap.To)
                        .Select(r => r with { Quality = ReadingQuality.Authenticated | ReadingQuality.BackFilled | (r.Quality & ReadingQuality.ClockDoubtful) }));
                }
            }

            if (readings.Count == 0)
            {
                return 0;
            }

            var result = await _store.WriteAsync(new IngestBatch(readings, [], [], new Dictionary<MeterId, uint>()), linked.Token).ConfigureAwait(false);
            return result.ReadingsInserted;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception)
        {
            // Unreachable, refused, timed out or a failed write: counted; the gap is looked at again next run.
            return null;
        }
    }
}
