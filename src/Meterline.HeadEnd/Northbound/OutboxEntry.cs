namespace Meterline.HeadEnd.Northbound;

/// <summary>
/// One northbound message waiting to be published, as it is written into the outbox in the same transaction as the
/// data it describes.
/// </summary>
/// <param name="MessageId">The AMQP message-id: stable for the row and derived from what it describes, so a consumer dedupes redeliveries by it (at most 200 characters).</param>
/// <param name="Type">The message type (<see cref="NorthboundMessageType"/> names: reading, billing, alert, outage, command).</param>
/// <param name="RoutingKey">The routing key on the topic exchange, e.g. <c>reading.MTL00000001</c> (at most 255 bytes).</param>
/// <param name="CreatedAt">When the head-end committed the data (UTC).</param>
/// <param name="Body">The JSON body (UTF-8 when published).</param>
public sealed record OutboxEntry(string MessageId, string Type, string RoutingKey, DateTimeOffset CreatedAt, string Body)
{
    public const int MaxMessageIdLength = 200;

    public const int MaxRoutingKeyLength = 255;
}
