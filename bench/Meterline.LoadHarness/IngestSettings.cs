namespace Meterline.LoadHarness;

/// <summary>
/// What <c>ingest</c> runs: the database (null: a temporary SQLite file), the fleet, the connections, the offered rate
/// (0: as fast as possible), the pipeline's batch size and its guard, northbound publishing (null: off), the transport
/// (<c>tcp</c>, <c>mqtt</c>, <c>mqtt-external</c>, <c>gateway</c>, <c>coap</c>; see <see cref="IngestRun"/>) and, for MQTT, the
/// publishes in flight per meter, the publishers (<c>process</c>: <see cref="ChildPublishers"/>; <c>raw</c>:
/// <see cref="RawMqttPublishers"/> in this process; <c>mqttnet</c>: <see cref="MqttPushClients"/>) and the external-broker consumer's workers and queue (0: its defaults), whether the node's followers run, and the MiB the analytics may hold windows in (0: every round reads the store).
/// </summary>
internal sealed record IngestSettings(string? Database, int Meters, int Intervals, int Connections, double Rate, int BatchRecords, bool RelaxedGuard, Uri? AmqpUri = null, string? AmqpPassword = null,
    string Transport = "tcp", int Window = 1, string Publishers = "process", int ConsumerWorkers = 0, int ConsumerQueue = 0,
    string Followers = "all", double FollowerShare = 0.25, int WarmupIntervals = 0, int AnalyticsWindowMemory = 64)
{
    /// <summary><c>all</c>: the node's followers of committed records run as in production; <c>none</c>: analytics, power quality, prepaid and outages off (their cost per push, by difference).</summary>
    public static IReadOnlyList<string> FollowerChoices { get; } = ["all", "none"];

    public static IReadOnlyList<string> Transports { get; } = ["tcp", "mqtt", "mqtt-external", "gateway", "coap"];
}
