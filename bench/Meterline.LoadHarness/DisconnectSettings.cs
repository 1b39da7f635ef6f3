namespace Meterline.LoadHarness;

/// <summary>What <c>disconnect</c> runs: the database (null: a temporary SQLite file), the fleet, how many commands and how many at once, and how the node reaches the meters (<c>tcp</c>, <c>mqtt</c>, <c>zigbee</c>; see <see cref="DisconnectRun"/>).</summary>
internal sealed record DisconnectSettings(string? Database, int Meters, int Commands, int Concurrency, string Transport = "tcp")
{
    public static IReadOnlyList<string> Transports { get; } = ["tcp", "mqtt", "zigbee"];
}
