namespace Meterline.HeadEnd.Readings;

/// <summary>How many rows of a batch were new (the rest were already stored).</summary>
public readonly record struct IngestResult(int ReadingsInserted, int BillingSnapshotsInserted, int EventsInserted);
