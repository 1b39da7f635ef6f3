namespace Meterline.HeadEnd.Northbound;

/// <summary>An outbox row as read back: the entry and its position in the outbox (ascending in commit order per writer).</summary>
public sealed record OutboxMessage(long Sequence, OutboxEntry Entry);
