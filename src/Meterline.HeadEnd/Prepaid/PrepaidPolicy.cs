namespace Meterline.HeadEnd.Prepaid;

/// <summary>
/// The rules of a prepaid account as a pure function of (account, now, options, time zone), from its first ledger entry on:
/// <list type="bullet">
/// <item>low balance: warn when the balance is at or below <see cref="PrepaidOptions.LowBalanceThreshold"/> and the
/// account has not been warned since it last rose above it (once per crossing, not per reading);</item>
/// <item>connected, balance at or below the disconnect threshold (0, or minus the emergency credit): disconnect if
/// the window allows it now, else postpone to the next allowed moment;</item>
/// <item>disconnect pending: cancel it when the balance rose above the threshold (a top-up); carry it out once the
/// window allows it;</item>
/// <item>disconnected, balance above <see cref="PrepaidOptions.ReconnectThreshold"/>: reconnect, at any hour.</item>
/// </list>
/// </summary>
public static class PrepaidPolicy
{
    public static PrepaidDecision Decide(PrepaidAccount account, DateTimeOffset now, PrepaidOptions options, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(zone);
        if (account.Entries == 0)
        {
            // An account is live from its first ledger entry: opening one never cuts a consumer off before the
            // opening payment is recorded.
            return new PrepaidDecision(false, false, SupplyAction.None, null);
        }

        var low = account.Balance <= options.LowBalanceThreshold;
        var raise = low && !account.LowBalance;
        var clear = !low && account.LowBalance;
        var exhausted = account.Balance <= options.DisconnectThreshold;
        return account.Supply switch
        {
            PrepaidSupply.Connected when exhausted => Cutoff(raise, clear, now, options, zone, pending: false, null),
            PrepaidSupply.DisconnectPending when !exhausted => new PrepaidDecision(raise, clear, SupplyAction.CancelPending, null),
            PrepaidSupply.DisconnectPending => Cutoff(raise, clear, now, options, zone, pending: true, account.DisconnectDueAt),
            PrepaidSupply.Disconnected when account.Balance > options.ReconnectThreshold => new PrepaidDecision(raise, clear, SupplyAction.Reconnect, null),
            _ => new PrepaidDecision(raise, clear, SupplyAction.None, null),
        };
    }

    private static PrepaidDecision Cutoff(bool raise, bool clear, DateTimeOffset now, PrepaidOptions options, TimeZoneInfo zone, bool pending, DateTimeOffset? pendingDue)
    {
        if (options.Window.IsAllowed(now, zone))
        {
            return new PrepaidDecision(raise, clear, SupplyAction.Disconnect, null);
        }

        // Re-evaluated each time: a holiday added or a clock change moves the due moment; a stored due moment that
        // still holds is left alone.
        var due = options.Window.NextAllowed(now, zone);
        return pending && due == pendingDue
            ? new PrepaidDecision(raise, clear, SupplyAction.None, null)
            : new PrepaidDecision(raise, clear, SupplyAction.Postpone, due);
    }
}
