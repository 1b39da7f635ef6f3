using System.Globalization;

namespace Meterline.HeadEnd.Analytics.Balance;

/// <summary>
/// Turns a transformer's balance into <c>energy-balance</c> theft findings (sans-I/O): one per consumer whose estimated
/// hidden share reaches <see cref="EnergyBalanceOptions.MinHiddenShare"/> and whose series explains at least
/// <see cref="EnergyBalanceOptions.MinConfidence"/> of the loss's remaining variation, over a fit of at least
/// <see cref="EnergyBalanceOptions.MinCompleteIntervals"/> complete intervals. The finding spans the complete intervals
/// fitted; its confidence is the partial R².
/// </summary>
public static class EnergyBalanceRule
{
    public const string RuleId = "energy-balance";

    public static IEnumerable<Finding> Evaluate(EnergyBalance balance, EnergyBalanceOptions options)
    {
        ArgumentNullException.ThrowIfNull(balance);
        ArgumentNullException.ThrowIfNull(options);
        var complete = balance.Intervals.Where(i => i.IsComplete).ToList();
        if (complete.Count < options.MinCompleteIntervals)
        {
            yield break;
        }

        var (from, to) = (complete[0].Time, complete[^1].Time);
        foreach (var suspect in balance.Suspects)
        {
            if (suspect is not { HiddenShare: { } share, Confidence: { } confidence, Coefficient: { } beta } || share < options.MinHiddenShare || confidence < options.MinConfidence)
            {
                continue;
            }

            var percent = share.ToString("0%", CultureInfo.InvariantCulture);
            var summary = string.Create(CultureInfo.InvariantCulture,
                $"Transformer {balance.TransformerId} loses energy in step with this meter's registered load: about {percent} of its load appears not to pass the meter (bypass?), {suspect.HiddenEnergy:0} Wh over {complete.Count} intervals.");
            yield return new Finding(suspect.Meter, RuleId, AlertCategory.Theft, AlertSeverity.Warning, Math.Round(confidence, 3), summary, from, to,
            [
                new EvidenceItem(to, EvidenceItem.Computed, "hidden-share", share),
                new EvidenceItem(to, EvidenceItem.Computed, "loss-per-registered-energy", beta),
                new EvidenceItem(to, EvidenceItem.Computed, "hidden-energy", suspect.HiddenEnergy, "Wh"),
                new EvidenceItem(to, EvidenceItem.Computed, "loss-explained", confidence),
                new EvidenceItem(to, EvidenceItem.Computed, "transformer-loss", balance.Total.LossPercent, "%"),
                new EvidenceItem(to, EvidenceItem.Computed, "technical-loss-factor", balance.TechnicalLossFactor),
                new EvidenceItem(to, EvidenceItem.Computed, "complete-intervals", complete.Count),
            ]);
        }
    }
}
