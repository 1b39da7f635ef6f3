namespace Meterline.HeadEnd.Analytics.Balance;

/// <summary>
/// The energy balance's suspect fit and the <c>energy-balance</c> alert (docs/analytics.md "Energy balance" lists each
/// with its default). The analytics' full pass computes every transformer's balance over the last <see cref="Window"/>
/// of its data and raises a theft alert for a consumer whose estimated hidden share and confidence reach the thresholds.
/// </summary>
public sealed record EnergyBalanceOptions
{
    /// <summary>Whether the full pass searches the balances for hidden spans and raises <c>energy-balance</c> alerts (docs/analytics.md, "Detection record", for the figures it was switched on by).</summary>
    public bool Alerts { get; init; } = true;

    /// <summary>The span the full pass searches, ending at the transformer meter's newest interval (at most 31 days).</summary>
    public TimeSpan Window { get; init; } = TimeSpan.FromDays(7);

    /// <summary>Complete intervals (transformer and every consumer reported) needed for a fit or a span search: one day of 15-minute blocks.</summary>
    public int MinCompleteIntervals { get; init; } = 96;

    /// <summary>The shortest hidden span alerted, in complete intervals (16: 4 hours of 15-minute blocks).</summary>
    public int MinSpanIntervals { get; init; } = 16;

    /// <summary>The residual sum of squares a span must remove, in units of the span's own remaining noise variance (an F statistic), to count.</summary>
    public double MinSignificance { get; init; } = 100;

    /// <summary>How far the consumer's partial correlation with the span's residual must stand above the other consumers', in robust standard deviations.</summary>
    public double MinRobustZ { get; init; } = 5;

    /// <summary>
    /// The other way a span stands out (instead of <see cref="MinRobustZ"/>; docs/analytics.md "Energy balance", the
    /// same-hours test): over the span the transformer lost more, and the consumer registered less, than at the same
    /// hours on the other days of the window, the excess at a one-sided p-value at most this (Student's t over the
    /// day-to-day variance) and the drop at most <see cref="MaxSameHoursDropP"/>, and the excess loss agrees with the span's fitted hidden energy within
    /// <see cref="SameHoursMatch"/>. 0 switches the test off.
    /// </summary>
    public double MaxSameHoursP { get; init; } = 0.01;

    /// <summary>
    /// The one-sided p-value at most which the consumer's registered energy over the span must have fallen against the
    /// same hours on the other days, for the same-hours test (<see cref="MaxSameHoursP"/>). It is looser: the excess
    /// loss is the evidence of a tap, the meter's drop only confirms that it is this meter that registered less — a
    /// household's own night-to-night variance over three or four other nights is wide.
    /// </summary>
    public double MaxSameHoursDropP { get; init; } = 0.05;

    /// <summary>Other days whose same hours are complete needed for the same-hours test (at least 2).</summary>
    public int MinSameHoursDays { get; init; } = 3;

    /// <summary>The factor within which the same-hours excess loss must agree with the fitted hidden energy per interval (β · registered, at least 1).</summary>
    public double SameHoursMatch { get; init; } = 2;

    /// <summary>The looser significance at which the greedy search accepts a span provisionally (at most <see cref="MinSignificance"/>); every span is then judged against <see cref="MinSignificance"/> given all the others.</summary>
    public double ProvisionalSignificance { get; init; } = 30;

    /// <summary>The looser robust z at which the greedy search accepts a span provisionally (at most <see cref="MinRobustZ"/>); every span is then judged against <see cref="MinRobustZ"/> given all the others.</summary>
    public double ProvisionalRobustZ { get; init; } = 3.5;

    /// <summary>Spans accepted provisionally per transformer and window at most (each adds up to three columns to the fit).</summary>
    public int MaxSpans { get; init; } = 12;

    /// <summary>Span boundaries searched at most (a grid over the window: 192 makes 1-hour steps over 7 days of 15-minute blocks).</summary>
    public int MaxSpanBoundaries { get; init; } = 192;

    /// <summary>Complete intervals needed per consumer fitted (a fit of n consumers needs this × n): fewer over-fit the noise.</summary>
    public int MinIntervalsPerConsumer { get; init; } = 4;

    /// <summary>Estimated hidden share, β / (1 + β), from which a consumer is alerted (averaged over the window).</summary>
    public double MinHiddenShare { get; init; } = 0.15;

    /// <summary>The share of the span's remaining loss variation the consumer's series must explain (squared correlation) to be alerted.</summary>
    public double MinConfidence { get; init; } = 0.5;

    /// <summary>
    /// The length, in changes, from which a span may pass by the long-span test instead of the significance and
    /// confidence bars (docs/analytics.md "Energy balance", the long-span test): a tap's share of its span's loss
    /// variation is its signal-to-noise per interval, whatever the span's length, whereas what chance explains falls
    /// as one over the length; over a long span the fitted share itself is precise. 0 switches the test off (its short-span tier, <see cref="ShortSpanIntervals"/>, too).
    /// </summary>
    public int LongSpanIntervals { get; init; } = 96;

    /// <summary>
    /// The long-span test: how many standard errors the span's fitted coefficient β must stand above the one of
    /// <see cref="MinHiddenShare"/> (a t statistic: √F · (1 − β_min / β)).
    /// </summary>
    public double MinLongSpanShareT { get; init; } = 3;

    /// <summary>
    /// The length, in changes, from which a span shorter than <see cref="LongSpanIntervals"/> may pass by the long-span
    /// test at the stricter share t <see cref="MinShortSpanShareT"/> (32: 8 hours of 15-minute blocks; docs/analytics.md
    /// "Energy balance", the short-span tier). 0 switches the tier off (its spans then meet the brief-span tier's bars, when
    /// <see cref="BriefSpanIntervals"/> is on).
    /// </summary>
    public int ShortSpanIntervals { get; init; } = 32;

    /// <summary>The share t (as <see cref="MinLongSpanShareT"/>) a span of <see cref="ShortSpanIntervals"/> changes or more, but under <see cref="LongSpanIntervals"/>, must reach to pass by the long-span test.</summary>
    public double MinShortSpanShareT { get; init; } = 5;

    /// <summary>
    /// The length, in changes, from which a span shorter than <see cref="ShortSpanIntervals"/> may pass by the long-span
    /// test at share t <see cref="MinBriefSpanShareT"/> and the stricter robust z <see cref="MinBriefSpanRobustZ"/>
    /// (16: 4 hours of 15-minute blocks; docs/analytics.md "Energy balance", the brief-span tier). 0 switches the tier off.
    /// </summary>
    public int BriefSpanIntervals { get; init; } = 16;

    /// <summary>The share t (as <see cref="MinLongSpanShareT"/>) a span of <see cref="BriefSpanIntervals"/> changes or more, but under <see cref="ShortSpanIntervals"/>, must reach to pass by the long-span test.</summary>
    public double MinBriefSpanShareT { get; init; } = 5;

    /// <summary>The robust z (against the other consumers over the span; or the same-hours test) a span of the brief-span tier must reach to pass by the long-span test.</summary>
    public double MinBriefSpanRobustZ { get; init; } = 4;

    /// <summary>
    /// The length, in changes, under which a span, however it passes, must also be corroborated: steady in its halves
    /// (share t, the lesser of the whole span's and √2 × each half's, at least <see cref="MinSubDayShareT"/>) or an
    /// excess over the same hours on the other days (excess p at most <see cref="MaxSubDaySameHoursP"/>) (96: a day of
    /// 15-minute blocks; docs/analytics.md "Energy balance", the sub-day corroboration). An honest consumer's few hours
    /// beside a neighbour's tap can pass the significance, confidence and robust z bars, but neither steadily nor above
    /// the loss at those hours on other days. 0 switches it off.
    /// </summary>
    public int SubDaySpanIntervals { get; init; } = 96;

    /// <summary>The share t (as <see cref="MinLongSpanShareT"/>, over the span's halves) that corroborates a span shorter than <see cref="SubDaySpanIntervals"/>.</summary>
    public double MinSubDayShareT { get; init; } = 5;

    /// <summary>The same-hours excess loss p-value (one-sided, <see cref="SameHoursTest"/>) at or under which a span shorter than <see cref="SubDaySpanIntervals"/> is corroborated instead.</summary>
    public double MaxSubDaySameHoursP { get; init; } = 0.05;

    /// <summary>The robust z (against the other consumers over the span) a span must reach to pass by the long-span test (instead of <see cref="MinRobustZ"/>).</summary>
    public double MinLongSpanRobustZ { get; init; } = 3.5;

    /// <summary>Consumers of one transformer fitted at most (the Gram matrix is n²); above it, suspects are ranked by correlation only.</summary>
    public int MaxFittedConsumers { get; init; } = 500;

    /// <summary>Consumers (largest coefficients first) whose partial R² is computed, each a refit.</summary>
    public int MaxExplained { get; init; } = 10;

    /// <summary>Transformers evaluated per full pass at most.</summary>
    public int MaxTransformers { get; init; } = 5_000;

    public void Validate()
    {
        if (Window <= TimeSpan.Zero || Window > EnergyBalanceService.MaxSpan || MinCompleteIntervals < 2 || MinIntervalsPerConsumer < 1 || !(MinHiddenShare is > 0 and < 1)
            || !(MinConfidence is >= 0 and <= 1) || MinSpanIntervals < 2 || !(MinSignificance > 0) || double.IsNaN(MinRobustZ)
            || !(ProvisionalSignificance is > 0) || double.IsNaN(ProvisionalRobustZ) || MaxSpans < 1 || MaxSpanBoundaries < 2
            || !(MaxSameHoursP is >= 0 and < 1) || !(MaxSameHoursDropP is > 0 and < 1) || MinSameHoursDays < 2 || !(SameHoursMatch >= 1)
            || LongSpanIntervals < 0 || !(MinLongSpanShareT > 0) || ShortSpanIntervals < 0 || !(MinShortSpanShareT > 0) || double.IsNaN(MinLongSpanRobustZ)
            || BriefSpanIntervals < 0 || !(MinBriefSpanShareT > 0) || double.IsNaN(MinBriefSpanRobustZ)
            || SubDaySpanIntervals < 0 || !(MinSubDayShareT > 0) || !(MaxSubDaySameHoursP is >= 0 and < 1)
            || MaxFittedConsumers < 1 || MaxExplained < 1 || MaxTransformers < 1)
        {
            throw new ArgumentException("Energy balance: 0 < window ≤ 31 days, at least 2 intervals and 2 per span, 0 < hidden share < 1, confidence 0 to 1, positive significance and bounds, same-hours p from 0 to 1, at least 2 days, match at least 1, long, short, brief and sub-day spans from 0 intervals with a positive share t, sub-day same-hours p from 0 to 1.");
        }
    }
}
