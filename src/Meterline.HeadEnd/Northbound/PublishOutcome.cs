namespace Meterline.HeadEnd.Northbound;

/// <summary>What the broker said of one published message.</summary>
public enum PublishOutcome
{
    /// <summary>Routed to at least one queue and confirmed (persisted by the queues that took it): the row may go.</summary>
    Confirmed = 0,

    /// <summary>The exchange had no queue bound for its routing key: returned (mandatory flag) and then confirmed.</summary>
    Unroutable = 1,

    /// <summary>Negatively acknowledged (the broker could not take it, e.g. a queue at its limit): published again later.</summary>
    Refused = 2,
}
