using Meterline.HeadEnd.Northbound;

namespace Meterline.Northbound.Amqp;

/// <summary>A node's northbound publishing: the broker and the outbox's bounds.</summary>
public sealed record AmqpNorthboundOptions
{
    public required AmqpPublisherOptions Publisher { get; init; }

    public NorthboundOptions Outbox { get; init; } = new();
}
