namespace Meterline.HeadEnd.Northbound;

/// <summary>Publishes outbox messages to the northbound broker (the AMQP publisher in Meterline.Northbound.Amqp).</summary>
public interface IOutboxPublisher
{
    /// <summary>
    /// Publishes <paramref name="messages"/> (all in flight at once) and waits for the broker's answer to each; the
    /// outcomes are in the order of the messages. Throws when the connection fails: then none is taken as delivered
    /// and the relay publishes them again (consumers dedupe by message id).
    /// </summary>
    Task<IReadOnlyList<PublishOutcome>> PublishAsync(IReadOnlyList<OutboxMessage> messages, CancellationToken cancellationToken);
}
