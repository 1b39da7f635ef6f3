namespace Meterline.HeadEnd.Northbound;

/// <summary>
/// The outbox holds <see cref="NorthboundOptions.MaxMessages"/> messages: the write that would add more is refused
/// whole (nothing of it is stored), so nothing committed ever goes unpublished. The ingest pipeline treats it as a
/// failed write (frames acknowledged as failed, retried with back-off).
/// </summary>
public sealed class OutboxFullException : Exception
{
    public OutboxFullException()
        : base("The northbound outbox is full.")
    {
    }

    public OutboxFullException(string message)
        : base(message)
    {
    }

    public OutboxFullException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
