namespace Meterline.HeadEnd.Mqtt.Uplink;

/// <summary>How a head-end node uses an external broker (mosquitto, EMQX, HiveMQ).</summary>
public sealed record MqttUplinkConsumerOptions
{
    public required string Host { get; init; }

    public int Port { get; init; } = 1883;

    public bool UseTls { get; init; }

    /// <summary>For test brokers with self-signed certificates only.</summary>
    public bool AcceptAnyServerCertificate { get; init; }

    /// <summary>The node's user name at the broker (its ACL lets it read every up and write every down topic).</summary>
    public required string UserName { get; init; }

    public required string Password { get; init; }

    /// <summary>The share name of the nodes splitting the uplink (<c>$share/{group}/meterline/+/up</c>).</summary>
    public string ShareGroup { get; init; } = "meterline";

    /// <summary>The node's client id: fixed per node, so its session (and unacknowledged messages) survive a reconnect.</summary>
    public required string ClientId { get; init; }

    /// <summary>How long the broker keeps the node's session while it is away.</summary>
    public TimeSpan SessionExpiry { get; init; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Messages handled at once (each waits for its commit before it is acknowledged); one meter's messages always go to
    /// the same worker, in order. The messages in hand at once are what one group commit can take: with 32 workers the
    /// batches held at most 32 pushes and the node's rate was a commit's latency divided into 32 (BENCHMARKS.md,
    /// "Ingest by transport"); a worker is a task waiting on its queue, so many cost little.
    /// </summary>
    public int Workers { get; init; } = 512;

    /// <summary>
    /// Messages received and not yet acknowledged, split evenly over the workers' queues, and the node's Receive
    /// Maximum (MQTT 5.0 §3.1.2.11.3, at most 65,535): the broker has at most this many messages in flight to the
    /// node. When a worker's queue is full, the client stops reading from the broker.
    /// </summary>
    public int QueueCapacity { get; init; } = 16_384;

    /// <summary>How long sending one acknowledgement may take before the message is left to the broker to deliver again.</summary>
    public TimeSpan AcknowledgeTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// First and longest wait (doubling) before a message refused over the meter's or source's quota is tried again;
    /// it is not acknowledged meanwhile, so a backlog the broker hands over after the node was away is paced, not lost
    /// — while the worker's queue has room (when it is full, the message is refused, so that one meter's flood cannot
    /// stop the connection).
    /// </summary>
    public TimeSpan QuotaRetryMin { get; init; } = TimeSpan.FromMilliseconds(250);

    public TimeSpan QuotaRetryMax { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>First and longest wait between reconnects (doubling).</summary>
    public TimeSpan ReconnectMin { get; init; } = TimeSpan.FromMilliseconds(250);

    public TimeSpan ReconnectMax { get; init; } = TimeSpan.FromSeconds(30);

    public void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(Host);
        ArgumentException.ThrowIfNullOrWhiteSpace(UserName);
        ArgumentException.ThrowIfNullOrWhiteSpace(ClientId);
        ArgumentNullException.ThrowIfNull(Password);
        ArgumentOutOfRangeException.ThrowIfLessThan(Port, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Port, ushort.MaxValue);
        ArgumentOutOfRangeException.ThrowIfLessThan(Workers, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(QueueCapacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(AcknowledgeTimeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(QuotaRetryMin, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(QuotaRetryMax, QuotaRetryMin);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ReconnectMin, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(ReconnectMax, ReconnectMin);
        _ = Topics.MeterTopics.SharedUp(ShareGroup);
    }
}
