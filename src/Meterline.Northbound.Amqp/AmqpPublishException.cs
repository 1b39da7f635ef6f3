using Meterline.HeadEnd.Northbound;

namespace Meterline.Northbound.Amqp;

/// <summary>A publish round failed as a whole (no connection, connection lost, confirms late); nothing of it counts as delivered.</summary>
public sealed class AmqpPublishException : OutboxPublishException
{
    public AmqpPublishException()
    {
    }

    public AmqpPublishException(string message)
        : base(message)
    {
    }

    public AmqpPublishException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
