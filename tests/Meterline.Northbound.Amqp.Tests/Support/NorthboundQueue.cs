using System.Text;
using RabbitMQ.Client;

namespace Meterline.Northbound.Amqp.Tests.Support;

/// <summary>
/// A consumer's durable queue bound to an exchange with <c>#</c> (every message), declared before anything is published
/// (the exchange too, as the publisher declares it), read with basic.get and acknowledged: it outlives broker restarts.
/// </summary>
public sealed class NorthboundQueue : IAsyncDisposable
{
    private readonly IConnection _connection;
    private readonly IChannel _channel;

    private NorthboundQueue(IConnection connection, IChannel channel, string name)
    {
        _connection = connection;
        _channel = channel;
        Name = name;
    }

    public string Name { get; }

    public static async Task<NorthboundQueue> DeclareAsync(RabbitMqNode broker, string exchange, CancellationToken cancellationToken)
    {
        var connection = await Factory(broker).CreateConnectionAsync(cancellationToken);
        var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        var name = exchange + ".consumer";
        await channel.ExchangeDeclareAsync(exchange, ExchangeType.Topic, durable: true, autoDelete: false, cancellationToken: cancellationToken);
        await channel.QueueDeclareAsync(name, durable: true, exclusive: false, autoDelete: false, cancellationToken: cancellationToken);
        await channel.QueueBindAsync(name, exchange, "#", cancellationToken: cancellationToken);
        return new NorthboundQueue(connection, channel, name);
    }

    /// <summary>Takes every message in the queue now (on a fresh connection, so it works after the broker restarted).</summary>
    public static async Task<List<ReceivedMessage>> DrainAsync(RabbitMqNode broker, string queue, CancellationToken cancellationToken)
    {
        await using var connection = await Factory(broker).CreateConnectionAsync(cancellationToken);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        var messages = new List<ReceivedMessage>();
        while (await channel.BasicGetAsync(queue, autoAck: true, cancellationToken) is { } got)
        {
            var properties = got.BasicProperties;
            object? schema = null;
            properties.Headers?.TryGetValue(AmqpOutboxPublisher.SchemaHeader, out schema);
            messages.Add(new ReceivedMessage(got.RoutingKey, properties.MessageId, properties.Type, properties.ContentType, properties.Persistent,
                properties.Timestamp.UnixTime, schema, Encoding.UTF8.GetString(got.Body.Span)));
        }

        return messages;
    }

    public async ValueTask DisposeAsync()
    {
        await _channel.DisposeAsync();
        await _connection.DisposeAsync();
    }

    private static ConnectionFactory Factory(RabbitMqNode broker) => new() { Uri = broker.Uri, Password = broker.Password, AutomaticRecoveryEnabled = false };
}
