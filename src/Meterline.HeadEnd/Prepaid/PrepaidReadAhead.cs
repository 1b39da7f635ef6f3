using Meterline.HeadEnd.Billing;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Readings;

namespace Meterline.HeadEnd.Prepaid;

/// <summary>
/// The block import intervals (and, for months that have ended, billing snapshots) of a round's meters, read in
/// grouped store reads — one per month span and <see cref="IReadingStore.MaxMetersPerRead"/> meters
/// (<see cref="IReadingStore.GetReadingsOfMetersAsync(IReadOnlyCollection{MeterId}, DateTimeOffset, DateTimeOffset, IReadOnlyList{Quantity}, int, CancellationToken)"/>,
/// <see cref="IReadingStore.GetBillingSnapshotsOfMetersAsync"/>) — instead of one paged query per meter and month.
/// <see cref="PrepaidPricer"/> takes a meter's month from here when it was read ahead, else from the store. One lives for
/// a round of the loop (the round's touched meters, then each settled consumer's other meters) or for one settlement, so
/// it is bounded by that: at most <see cref="PrepaidOptions.MaxPendingConsumers"/> consumers' meters,
/// <see cref="PrepaidSettler.MaxMonthsPerSettlement"/> months each, <see cref="BillingService.MaxIntervalRows"/> intervals
/// per meter and month.
/// </summary>
internal sealed class PrepaidReadAhead
{
    private readonly Dictionary<(MeterId, DateTimeOffset, DateTimeOffset), IReadOnlyList<IntervalReading>> _intervals = [];
    private readonly Dictionary<(MeterId, DateTimeOffset, DateTimeOffset), IReadOnlyList<BillingSnapshot>> _snapshots = [];

    /// <summary>Grouped store reads this read-ahead made.</summary>
    public int Reads { get; private set; }

    /// <summary>
    /// Reads the intervals of each (meter, month start, month end) asked that is not read yet, grouped by span; with
    /// snapshots where the month has ended by <paramref name="now"/>.
    /// </summary>
    public async Task AddAsync(IReadingStore readings, IEnumerable<(MeterId Meter, DateTimeOffset Start, DateTimeOffset End)> wanted, DateTimeOffset now, CancellationToken cancellationToken)
    {
        foreach (var span in wanted.Distinct().Where(w => !_intervals.ContainsKey(w)).GroupBy(w => (w.Start, w.End)))
        {
            var (start, end) = span.Key;
            foreach (var chunk in span.Select(w => w.Meter).Chunk(IReadingStore.MaxMetersPerRead))
            {
                // As the bill reads them (PrepaidPricer): intervals ending in (start, end], one over the cap to tell it was hit.
                var intervals = await readings.GetReadingsOfMetersAsync(chunk, start, end.AddTicks(TimeSpan.TicksPerMicrosecond), [Quantity.BlockImportEnergy], BillingService.MaxIntervalRows + 1, cancellationToken).ConfigureAwait(false);
                Reads++;
                IReadOnlyDictionary<MeterId, IReadOnlyList<BillingSnapshot>>? snapshots = null;
                if (now >= end)
                {
                    snapshots = await readings.GetBillingSnapshotsOfMetersAsync(chunk, start - ConsumptionCalculator.SnapshotTolerance, end + ConsumptionCalculator.SnapshotTolerance, cancellationToken).ConfigureAwait(false);
                    Reads++;
                }

                foreach (var meter in chunk)
                {
                    _intervals[(meter, start, end)] = intervals.GetValueOrDefault(meter) ?? [];
                    if (snapshots is not null)
                    {
                        _snapshots[(meter, start, end)] = snapshots.GetValueOrDefault(meter) ?? [];
                    }
                }
            }
        }
    }

    /// <summary>The meter's block import intervals of the month span, when read ahead.</summary>
    public bool TryGetIntervals(MeterId meter, DateTimeOffset start, DateTimeOffset end, out IReadOnlyList<IntervalReading> intervals) =>
        _intervals.TryGetValue((meter, start, end), out intervals!);

    /// <summary>The meter's billing snapshots around the month span, when read ahead.</summary>
    public bool TryGetSnapshots(MeterId meter, DateTimeOffset start, DateTimeOffset end, out IReadOnlyList<BillingSnapshot> snapshots) =>
        _snapshots.TryGetValue((meter, start, end), out snapshots!);
}
