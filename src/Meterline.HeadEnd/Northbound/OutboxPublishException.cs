namespace Meterline.HeadEnd.Northbound;

/// <summary>
/// A publish round failed as a whole because the broker could not be reached or stopped answering (no connection,
/// connection lost, confirms late): nothing of it counts as delivered. The relay treats it as the broker being down
/// (logged, counted and audited once per transition) and retries; anything else a publisher throws is a fault.
/// </summary>
public class OutboxPublishException : Exception
{
    public OutboxPublishException()
    {
    }

    public OutboxPublishException(string message)
        : base(message)
    {
    }

    public OutboxPublishException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
