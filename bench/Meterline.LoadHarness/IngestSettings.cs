namespace Meterline.LoadHarness;

/// <summary>
/// What <c>ingest</c> runs: the database (null: a temporary SQLite file), the fleet, the connections, the offered rate
/// (0: as fast as possible), the pipeline's batch size and its guard, and northbound publishing (null: off).
/// </summary>
internal sealed record IngestSettings(string? Database, int Meters, int Intervals, int Connections, double Rate, int BatchRecords, bool RelaxedGuard, Uri? AmqpUri = null, string? AmqpPassword = null);
