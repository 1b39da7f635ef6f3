using System.Globalization;
using Meterline.HeadEnd.Analytics;
using Meterline.HeadEnd.Audit;
using Meterline.HeadEnd.Commands;
using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.Prepaid;

/// <summary>
/// Carries out what <see cref="PrepaidPolicy"/> decides for an account (docs/prepaid.md "Low balance, disconnection and
/// reconnection"): the low-balance audit and alert once per crossing, a disconnect postponed, cancelled or requested,
/// a reconnect; the commands carry idempotency keys naming the account's disconnect episode, and the new warning and
/// supply state is stored.
/// </summary>
internal sealed class PrepaidEvaluator(
    IPrepaidStore store, AlertService alerts, CommandService commands, IAuditLog audit, PrepaidOptions options, PrepaidMetrics metrics, TimeProvider time, Func<string, TimeZoneInfo> zoneOf)
{
    /// <summary>Applies <see cref="PrepaidPolicy"/>'s decision on the account: the warning, the disconnect (now or postponed), its cancellation, the reconnect; the caller holds the account's lock.</summary>
    public async Task EvaluateAsync(PrepaidAccount account, IReadOnlyList<Meter> meters, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var decision = PrepaidPolicy.Decide(account, now, options, zoneOf(account.ConsumerId));
        if (decision.IsNothing)
        {
            return;
        }

        var subject = PrepaidAuditActions.Subject(account.ConsumerId);
        var balance = account.Balance.ToString(CultureInfo.InvariantCulture);
        var low = account.LowBalance;
        var supply = account.Supply;
        var due = account.DisconnectDueAt;
        var episode = account.Episode;
        if (decision.RaiseLowBalance)
        {
            var threshold = options.LowBalanceThreshold.ToString(CultureInfo.InvariantCulture);
            await audit.AppendAsync(PrepaidAuditActions.Actor, PrepaidAuditActions.LowBalance, subject,
                new AuditDetail().Add("balance", balance).Add("threshold", threshold).Add("currency", account.Currency).ToString(), cancellationToken).ConfigureAwait(false);
            if (meters.Count > 0)
            {
                // One alert per crossing: the ledger position of the crossing tells crossings apart.
                await alerts.RaiseAsync(new Finding(
                    meters[0].Id, PrepaidAlerts.LowBalanceRule, PrepaidAlerts.Category, AlertSeverity.Warning, 1.0,
                    $"Prepaid balance of consumer {account.ConsumerId} is {balance} {account.Currency}, at or below the warning threshold of {threshold}.",
                    now, now, [new EvidenceItem(now, EvidenceItem.Computed, "balance", (double)account.Balance, account.Currency)],
                    account.Entries.ToString(CultureInfo.InvariantCulture)), cancellationToken).ConfigureAwait(false);
            }

            low = true;
        }

        if (decision.ClearLowBalance)
        {
            low = false;
        }

        switch (decision.Supply)
        {
            case SupplyAction.Postpone:
                if (supply != PrepaidSupply.DisconnectPending)
                {
                    await audit.AppendAsync(PrepaidAuditActions.Actor, PrepaidAuditActions.DisconnectPostponed, subject,
                        new AuditDetail().Add("balance", balance).Add("due", decision.DueAt?.ToString("O", CultureInfo.InvariantCulture) ?? "none").ToString(), cancellationToken).ConfigureAwait(false);
                }

                supply = PrepaidSupply.DisconnectPending;
                due = decision.DueAt;
                break;
            case SupplyAction.CancelPending:
                await audit.AppendAsync(PrepaidAuditActions.Actor, PrepaidAuditActions.DisconnectCancelled, subject,
                    new AuditDetail().Add("balance", balance).ToString(), cancellationToken).ConfigureAwait(false);
                supply = PrepaidSupply.Connected;
                due = null;
                break;
            case SupplyAction.Disconnect:
                if (await RequestAllAsync(meters, new DisconnectParameters(), $"prepaid:{account.ConsumerId}:{episode + 1}:disconnect", cancellationToken).ConfigureAwait(false) is not { } cut)
                {
                    break;
                }

                await audit.AppendAsync(PrepaidAuditActions.Actor, PrepaidAuditActions.DisconnectRequested, subject,
                    new AuditDetail().Add("balance", balance).Add("episode", episode + 1).Add("commands", cut).ToString(), cancellationToken).ConfigureAwait(false);
                supply = PrepaidSupply.Disconnected;
                due = null;
                episode++;
                break;
            case SupplyAction.Reconnect:
                if (await RequestAllAsync(meters, new ConnectParameters(), $"prepaid:{account.ConsumerId}:{episode}:connect", cancellationToken).ConfigureAwait(false) is not { } restored)
                {
                    break;
                }

                await audit.AppendAsync(PrepaidAuditActions.Actor, PrepaidAuditActions.ReconnectRequested, subject,
                    new AuditDetail().Add("balance", balance).Add("episode", episode).Add("commands", restored).ToString(), cancellationToken).ConfigureAwait(false);
                supply = PrepaidSupply.Connected;
                break;
        }

        await store.SetSupplyAsync(account.ConsumerId, new SupplyChange(low, supply, due, episode), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Requests a command of every meter (idempotent by key per meter); the command ids, or null when none could be requested.</summary>
    private async Task<string?> RequestAllAsync(IReadOnlyList<Meter> meters, CommandParameters parameters, string key, CancellationToken cancellationToken)
    {
        var ids = new List<string>();
        foreach (var meter in meters)
        {
            try
            {
                var command = await commands.RequestAsync(new CommandSubmission(meter.Id, parameters, PrepaidAuditActions.Actor, null, key + ":" + meter.Id.Value.ToString(CultureInfo.InvariantCulture)), cancellationToken).ConfigureAwait(false);
                ids.Add(command.Id.ToString());
                metrics.OnCommand();
            }
            catch (CommandRejectedException e)
            {
                metrics.OnFailure(e);
            }
        }

        return ids.Count > 0 || meters.Count == 0 ? string.Join(',', ids) : null;
    }
}
