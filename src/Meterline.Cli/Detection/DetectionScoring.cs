using Meterline.HeadEnd.Analytics;
using Meterline.HeadEnd.Analytics.Balance;
using Meterline.HeadEnd.Analytics.Rules;
using Meterline.HeadEnd.Meters;
using Meterline.Simulator.Theft;

namespace Meterline.Cli.Detection;

/// <summary>
/// Scores what the head-end found against the truth, with no I/O.
/// <list type="bullet">
/// <item>A theft is detected <b>by alert</b> when its meter has a theft, tamper or integrity alert whose data span
/// reaches its start (less one block) and begins at most <c>delay</c> after it.</item>
/// <item>It is detected <b>by balance</b> when, over the whole run, its transformer's loss is at least the threshold
/// and the meter is among the first k of that transformer's consumers by the balance's own evidence
/// (<see cref="SuspectMeter.Evidence"/>: estimated hidden share × confidence, positive only; the suspects' alert bonus
/// is left out, the alerts being scored on their own), so this detection's delay is the run's end.</item>
/// <item>A <b>false positive</b> is an honest consumer meter with any theft, tamper or integrity alert; per pattern,
/// with an alert of a rule pointing at that pattern (<see cref="PatternOf"/>). Honest meters the balance would send an
/// inspector to are counted apart.</item>
/// </list>
/// </summary>
internal static class DetectionScoring
{
    private static readonly TimeSpan Block = TimeSpan.FromMinutes(15);

    private static readonly string[] Categories = [AlertCategory.Theft, AlertCategory.Tamper, AlertCategory.Integrity];

    public static DetectionResult Score(
        TheftTruth truth,
        IReadOnlyDictionary<string, MeterId> consumers,
        IReadOnlyList<Alert> alerts,
        IReadOnlyList<EnergyBalance> balances,
        TimeSpan delay,
        int topK,
        double lossThresholdPercent)
    {
        ArgumentNullException.ThrowIfNull(truth);
        ArgumentNullException.ThrowIfNull(consumers);
        ArgumentNullException.ThrowIfNull(alerts);
        ArgumentNullException.ThrowIfNull(balances);
        var relevant = alerts.Where(a => Categories.Contains(a.Category)).ToLookup(a => a.Meter);
        var flagged = new Dictionary<MeterId, int>();
        foreach (var balance in balances.Where(b => b.Total.LossPercent >= lossThresholdPercent))
        {
            // Ranked by the balance's own evidence, apart from the alerts (which the suspects' score also counts, and
            // which are scored above on their own).
            var rank = 0;
            foreach (var suspect in balance.Suspects.Where(s => s.Evidence > 0).OrderByDescending(s => s.Evidence).Take(topK))
            {
                flagged[suspect.Meter] = ++rank;
            }
        }

        var verdicts = new List<TheftVerdict>(truth.Thefts.Count);
        var thieves = new HashSet<MeterId>();
        foreach (var theft in truth.Thefts)
        {
            if (!consumers.TryGetValue(theft.Meter, out var meter))
            {
                verdicts.Add(new TheftVerdict(theft, null, null, null));
                continue;
            }

            thieves.Add(meter);
            var first = relevant[meter]
                .Where(a => a.LastSeen >= theft.Start - Block && a.FirstSeen <= theft.Start + delay)
                .OrderBy(a => a.FirstSeen)
                .FirstOrDefault();
            TimeSpan? alertDelay = first is null ? null : first.FirstSeen > theft.Start ? first.FirstSeen - theft.Start : TimeSpan.Zero;
            verdicts.Add(new TheftVerdict(theft, first?.RuleId, alertDelay, flagged.TryGetValue(meter, out var r) ? r : null));
        }

        var honest = consumers.Values.Where(m => !thieves.Contains(m)).ToHashSet();
        var patterns = Enum.GetValues<TheftPattern>().Select(pattern =>
        {
            var cases = verdicts.Where(v => v.Theft.Pattern == pattern).ToList();
            var falsePositives = honest.Count(m => relevant[m].Any(a => PatternOf(a) == pattern));
            return new PatternScore(pattern, cases.Count, cases.Count(v => v.FirstAlert is not null), cases.Count(v => v.BalanceRank is not null),
                cases.Count(v => v.Detected), falsePositives, honest.Count);
        }).ToList();
        var losses = balances.Select(b => b.Total.LossPercent).OfType<double>().Order().ToList();
        return new DetectionResult(
            patterns,
            verdicts,
            honest.Count,
            honest.Count(m => relevant[m].Any()),
            honest.Count(flagged.ContainsKey),
            balances.Count,
            losses.Count == 0 ? null : losses[losses.Count / 2]);
    }

    /// <summary>
    /// The pattern an alert points at: magnet (events 201/202, <c>magnet-low-consumption</c>), neutral (events
    /// 203/204 and 69/70, <c>neutral-mismatch</c>), reversed (events 51/52, <c>reverse-energy</c>), bypass
    /// (<c>zero-consumption-with-current</c>, <c>baseline-drop</c>, <c>energy-balance</c>); null for the others (cover open, clock, registers).
    /// </summary>
    public static TheftPattern? PatternOf(Alert alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        return alert.RuleId switch
        {
            TamperEventRule.RuleId => alert.DedupeKey[(alert.DedupeKey.IndexOf(':', StringComparison.Ordinal) + 1)..] switch
            {
                "201" or "202" => TheftPattern.Magnet,
                "203" or "204" or "69" or "70" => TheftPattern.Neutral,
                "51" or "52" => TheftPattern.Reversed,
                _ => null,
            },
            MagnetLowConsumptionRule.RuleId => TheftPattern.Magnet,
            NeutralMismatchRule.RuleId => TheftPattern.Neutral,
            ReverseEnergyRule.RuleId => TheftPattern.Reversed,
            ZeroConsumptionRule.RuleId or BaselineDropRule.RuleId or EnergyBalanceRule.RuleId => TheftPattern.Bypass,
            _ => null,
        };
    }
}
