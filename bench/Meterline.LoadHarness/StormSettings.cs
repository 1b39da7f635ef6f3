namespace Meterline.LoadHarness;

/// <summary>
/// What <c>storm</c> runs: the database (null: a temporary SQLite file), the meters (one push each), the window their
/// pushes are spread over, the wrapper transport (<c>tcp</c> or <c>udp</c>) and how many sockets carry it, the pipeline's
/// batch size, whether the per-source quota is relaxed (the harness sends from one address) the seed of the order, and
/// where the fleet and its imported database are kept between runs (null: made afresh for the run).
/// </summary>
internal sealed record StormSettings(string? Database, int Meters, TimeSpan Window, string Transport, int Connections, int BatchRecords, bool RelaxedSourceQuota, int Seed, string? Cache)
{
    public static IReadOnlyList<string> Transports { get; } = ["tcp", "udp"];
}
