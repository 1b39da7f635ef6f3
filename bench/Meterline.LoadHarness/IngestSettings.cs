namespace Meterline.LoadHarness;

/// <summary>What <c>ingest</c> runs: the database (null: a temporary SQLite file), the fleet, the connections and the offered rate (0: as fast as possible).</summary>
internal sealed record IngestSettings(string? Database, int Meters, int Intervals, int Connections, double Rate, bool RelaxedGuard);
