using Meterline.HeadEnd.Readings;

namespace Meterline.Storage.Sql;

/// <summary>
/// What a batch must satisfy before either engine writes any of it: times between 1970 and 9999 (UTC), finite values,
/// bounded value lists. A batch that fails is refused whole with an <see cref="ArgumentException"/>.
/// </summary>
internal static class IngestRules
{
    public const int MaxValuesPerEntry = 256;

    public static void Validate(IngestBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(batch.Readings, nameof(batch));
        ArgumentNullException.ThrowIfNull(batch.BillingSnapshots, nameof(batch));
        ArgumentNullException.ThrowIfNull(batch.Events, nameof(batch));
        ArgumentNullException.ThrowIfNull(batch.PushCounters, nameof(batch));
        OutboxRows.Validate(batch.Outbox);
        foreach (var reading in batch.Readings)
        {
            CheckTime(reading.Time);
            CheckValue(reading.Value);
        }

        foreach (var snapshot in batch.BillingSnapshots)
        {
            if (snapshot is null || snapshot.Values is null)
            {
                throw new ArgumentException("A billing snapshot or its values are missing.", nameof(batch));
            }

            CheckTime(snapshot.CapturedAt);
            if (snapshot.MaximumDemandAt is { } demandAt)
            {
                CheckTime(demandAt);
            }

            CheckValues(snapshot.Values);
        }

        foreach (var meterEvent in batch.Events)
        {
            if (meterEvent is null || meterEvent.Values is null)
            {
                throw new ArgumentException("An event or its values are missing.", nameof(batch));
            }

            CheckTime(meterEvent.OccurredAt);
            CheckTime(meterEvent.ReceivedAt);
            CheckValues(meterEvent.Values);
        }
    }

    private static void CheckValues(IReadOnlyList<RegisterValue> values)
    {
        if (values.Count > MaxValuesPerEntry)
        {
            throw new ArgumentException($"A snapshot or event carries at most {MaxValuesPerEntry} values.", nameof(values));
        }

        foreach (var value in values)
        {
            CheckValue(value.Value);
        }
    }

    private static void CheckTime(DateTimeOffset time)
    {
        if (!StorageTime.IsStorable(time))
        {
            throw new ArgumentException($"Stored times are from {StorageTime.MinStored:yyyy-MM-dd} up to {StorageTime.MaxStored:yyyy-MM-dd} (UTC); {time:O} is not.", nameof(time));
        }
    }

    private static void CheckValue(double value)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentException("Stored values are finite numbers.", nameof(value));
        }
    }
}
