namespace Meterline.HeadEnd.Northbound;

/// <summary>An outbox row as read back: the entry and its position in the outbox (ascending in commit order per writer).</summary>
/// <param name="Sequence">The row's position.</param>
/// <param name="Entry">The message.</param>
/// <param name="Attempts">How often the row was given back undelivered (unroutable, refused, a failed round): its back-off.</param>
public sealed record OutboxMessage(long Sequence, OutboxEntry Entry, int Attempts = 0);
