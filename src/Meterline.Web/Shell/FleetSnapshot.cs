using Meterline.HeadEnd.Analytics;
using Meterline.HeadEnd.Meters;

namespace Meterline.Web.Shell;

/// <summary>
/// The fleet at one moment, as the overview and the map show it: every meter with its condition, and the open alerts
/// (at most <see cref="MaxOpenAlerts"/>, newest first).
/// </summary>
public sealed record FleetSnapshot(IReadOnlyList<Meter> Meters, IReadOnlyDictionary<MeterId, MeterCondition> Conditions, IReadOnlyList<Alert> OpenAlerts)
{
    public const int MaxOpenAlerts = 10_000;

    public static async Task<FleetSnapshot> TakeAsync(IMeterRepository meters, IAlertStore alerts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(meters);
        ArgumentNullException.ThrowIfNull(alerts);
        var open = await alerts.ListAsync(new AlertFilter(AlertState.Open), null, MaxOpenAlerts, cancellationToken).ConfigureAwait(false);
        var alerting = open.Select(a => a.Meter).ToHashSet();
        var list = new List<Meter>();
        await foreach (var meter in meters.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            list.Add(meter);
        }

        var conditions = list.ToDictionary(m => m.Id, m => MeterConditions.Of(m, alerting.Contains(m.Id)));
        return new FleetSnapshot(list, conditions, open);
    }

    public int Count(MeterCondition condition) => Conditions.Values.Count(c => c == condition);
}
