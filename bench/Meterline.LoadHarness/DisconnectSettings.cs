namespace Meterline.LoadHarness;

/// <summary>What <c>disconnect</c> runs: the database (null: a temporary SQLite file), the fleet, how many commands and how many at once.</summary>
internal sealed record DisconnectSettings(string? Database, int Meters, int Commands, int Concurrency);
