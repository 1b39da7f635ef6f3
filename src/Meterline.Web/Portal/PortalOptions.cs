namespace Meterline.Web.Portal;

/// <summary>Settings of the consumer portal (docs/web.md, "Consumer portal").</summary>
public sealed record PortalOptions
{
    /// <summary>
    /// Whether a consumer may record a top-up of their own prepaid account from the portal. Off by default: the portal
    /// takes no payment, so a top-up there only records a payment the consumer says they made; turn it on only where
    /// the payment is taken before the portal is reached (a payment gateway in front of it) or in a demonstration.
    /// Off, the portal shows the balance and the ledger and says how to top up.
    /// </summary>
    public bool ConsumerTopUp { get; init; }

    /// <summary>How many of the newest ledger entries the portal lists.</summary>
    public int LedgerEntries { get; init; } = 10;

    /// <summary>How many of a meter's newest bills the portal lists.</summary>
    public int Bills { get; init; } = 24;

    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(LedgerEntries, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(LedgerEntries, 1_000);
        ArgumentOutOfRangeException.ThrowIfLessThan(Bills, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Bills, 1_000);
    }
}
