using System.Globalization;

namespace Meterline.HeadEnd.Analytics.Balance;

/// <summary>
/// Turns a transformer's hidden spans (<see cref="HiddenSpanSearch"/>, computed with the balance) into
/// <c>energy-balance</c> theft findings (sans-I/O): one per span, spanning its complete intervals, its confidence the
/// share of the span's loss variation the consumer's series explains. The search applies the thresholds of
/// <see cref="EnergyBalanceOptions"/>; a balance with fewer than <see cref="EnergyBalanceOptions.MinCompleteIntervals"/>
/// complete intervals has none.
/// </summary>
public static class EnergyBalanceRule
{
    public const string RuleId = "energy-balance";

    /// <summary>The same-hours test's figures (<see cref="SameHoursTest"/>), when the window had enough other days.</summary>
    private static IEnumerable<EvidenceItem> SameHours(DateTimeOffset at, SameHoursEvidence? evidence) => evidence is null ? [] :
    [
        new EvidenceItem(at, EvidenceItem.Computed, "same-hours-days", evidence.Days),
        new EvidenceItem(at, EvidenceItem.Computed, "same-hours-excess-loss", evidence.Excess, "Wh"),
        new EvidenceItem(at, EvidenceItem.Computed, "same-hours-excess-p", evidence.ExcessP),
        new EvidenceItem(at, EvidenceItem.Computed, "same-hours-drop", evidence.Drop, "Wh"),
        new EvidenceItem(at, EvidenceItem.Computed, "same-hours-drop-p", evidence.DropP),
    ];

    public static IEnumerable<Finding> Evaluate(EnergyBalance balance, EnergyBalanceOptions options)
    {
        ArgumentNullException.ThrowIfNull(balance);
        ArgumentNullException.ThrowIfNull(options);
        var complete = balance.Intervals.Where(i => i.IsComplete).ToList();
        if (complete.Count < options.MinCompleteIntervals || balance.HiddenSpans is not { } spans)
        {
            yield break;
        }

        foreach (var span in spans)
        {
            if (span.Consumer >= balance.Consumers.Count || span.To > complete.Count || span.From >= span.To)
            {
                continue;
            }

            var (from, to) = (complete[span.From].Time, complete[span.To - 1].Time);
            var percent = span.HiddenShare.ToString("0%", CultureInfo.InvariantCulture);
            var summary = string.Create(CultureInfo.InvariantCulture,
                $"Transformer {balance.TransformerId} lost energy in step with this meter's registered load for {span.To - span.From} intervals: about {percent} of its load appears not to have passed the meter (bypass?), {span.HiddenEnergy:0} Wh.");
            yield return new Finding(balance.Consumers[span.Consumer], RuleId, AlertCategory.Theft, AlertSeverity.Warning, Math.Round(span.Explained, 3), summary, from, to,
            [
                new EvidenceItem(to, EvidenceItem.Computed, "hidden-share", span.HiddenShare),
                new EvidenceItem(to, EvidenceItem.Computed, "loss-per-registered-energy", span.Coefficient),
                new EvidenceItem(to, EvidenceItem.Computed, "hidden-energy", span.HiddenEnergy, "Wh"),
                new EvidenceItem(to, EvidenceItem.Computed, "loss-explained", span.Explained),
                new EvidenceItem(to, EvidenceItem.Computed, "significance", span.Significance),
                new EvidenceItem(to, EvidenceItem.Computed, "robust-z", span.RobustZ),
                new EvidenceItem(to, EvidenceItem.Computed, "share-t", span.ShareT),
                new EvidenceItem(to, EvidenceItem.Computed, "transformer-loss", balance.Total.LossPercent, "%"),
                new EvidenceItem(to, EvidenceItem.Computed, "span-intervals", span.To - span.From),
                .. SameHours(to, span.SameHours),
            ]);
        }
    }
}
