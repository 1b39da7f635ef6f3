namespace Meterline.HeadEnd.Readings;

/// <summary>
/// How many rows of a batch were new (the rest were already stored), and whether the store marked the batch's
/// <see cref="IngestBatch.MetersHeard"/> in the same transaction.
/// </summary>
public readonly record struct IngestResult(int ReadingsInserted, int BillingSnapshotsInserted, int EventsInserted, bool MetersHeardMarked = false);
