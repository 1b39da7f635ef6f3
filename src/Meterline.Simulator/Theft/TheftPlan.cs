using Meterline.Simulator.Scenarios;

namespace Meterline.Simulator.Theft;

/// <summary>
/// The thefts of one run, a pure function of (candidates, seed, run, options) — the ground truth, and the scenarios
/// that inject it. Thieves are drawn without replacement from the candidate meters (consumer meters only: a
/// transformer's meter is the utility's), so the same seed gives the same thieves, patterns and times.
/// </summary>
public sealed class TheftPlan
{
    public TheftPlan(IReadOnlyList<TheftCase> cases)
    {
        ArgumentNullException.ThrowIfNull(cases);
        Cases = cases;
    }

    public IReadOnlyList<TheftCase> Cases { get; }

    /// <param name="candidates">The fleet indexes that may steal, with their serials.</param>
    /// <param name="seed">Seeds the choice (use a seed other than the households' to report on a fresh draw).</param>
    /// <param name="start">The run's start.</param>
    /// <param name="duration">The run's simulated length.</param>
    /// <param name="options">Share, mix and timing.</param>
    public static TheftPlan Create(IReadOnlyList<(int Index, string Serial)> candidates, int seed, DateTimeOffset start, TimeSpan duration, TheftOptions options)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(duration, TimeSpan.Zero);
        var count = options.Share <= 0 || candidates.Count == 0 ? 0 : Math.Max(1, (int)Math.Round(options.Share * candidates.Count));
        var random = new Fleet.SeededSequence((ulong)(uint)seed ^ 0x7E4F_7000_0000_0000UL);
        var pool = candidates.ToArray();
        random.Shuffle(pool);
        var patterns = options.Mix.Where(p => p.Value > 0).OrderBy(p => p.Key).ToArray();
        var total = patterns.Sum(p => p.Value);
        var cases = new List<TheftCase>(count);
        foreach (var (index, serial) in pool.Take(count).OrderBy(c => c.Index))
        {
            var draw = random.NextDouble() * total;
            var pattern = patterns[^1].Key;
            foreach (var (kind, weight) in patterns)
            {
                if (draw < weight)
                {
                    pattern = kind;
                    break;
                }

                draw -= weight;
            }

            var at = start + (duration * (options.EarliestStart + ((options.LatestStart - options.EarliestStart) * random.NextDouble())));
            at = new DateTimeOffset(at.UtcTicks - (at.UtcTicks % TimeSpan.TicksPerMinute), TimeSpan.Zero);
            DateTimeOffset? end = null;
            if (random.NextDouble() < options.SpanProbability)
            {
                var span = options.MinSpan + ((options.MaxSpan - options.MinSpan) * random.NextDouble());
                end = at + TimeSpan.FromMinutes(Math.Round(span.TotalMinutes));
                if (end >= start + duration)
                {
                    end = null;
                }
            }

            double? share = pattern == TheftPattern.Bypass
                ? Math.Round(options.MinBypassShare + ((options.MaxBypassShare - options.MinBypassShare) * random.NextDouble()), 3)
                : null;
            cases.Add(new TheftCase(serial, index, pattern, at, end, share));
        }

        return new TheftPlan(cases);
    }

    /// <summary>The scenarios that inject the plan (one per theft).</summary>
    public IReadOnlyList<Scenario> ToScenarios() =>
    [
        .. Cases.Select(c => new Scenario(
            c.Pattern switch
            {
                TheftPattern.Bypass => ScenarioKind.Bypass,
                TheftPattern.Magnet => ScenarioKind.Magnet,
                TheftPattern.Neutral => ScenarioKind.Neutral,
                _ => ScenarioKind.Reverse,
            },
            new MeterRange(c.Index, c.Index),
            c.Start,
            c.End - c.Start,
            Factor: c.Share)),
    ];
}
