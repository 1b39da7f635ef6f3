namespace Meterline.HeadEnd.Prepaid;

/// <summary>What to do about a prepaid consumer's supply.</summary>
public enum SupplyAction
{
    None = 0,

    /// <summary>The credit ran out outside the allowed hours: wait for <see cref="PrepaidDecision.DueAt"/>.</summary>
    Postpone = 1,

    /// <summary>A pending disconnect is no longer wanted (a top-up came first).</summary>
    CancelPending = 2,

    /// <summary>Request the disconnect commands now.</summary>
    Disconnect = 3,

    /// <summary>Request the connect commands now.</summary>
    Reconnect = 4,
}
