namespace Meterline.HeadEnd.Analytics.Balance;

/// <summary>
/// Finds where a transformer's loss follows one consumer's registered energy for a span (sans-I/O): a meter bypassed
/// for a while makes the loss carry <c>(1 + c) · s / (1 − s)</c> of its own registered series during that span only.
/// The search works on the step-to-step changes of every series (interval t + 1 minus interval t): the daily shape all
/// households share, and any unregistered load that follows it (a reversed meter's, say), changes slowly, whereas a
/// household's own appliances switching on and off make its series jump; a tap repeats exactly those jumps in the loss,
/// and no honest neighbour's jumps resemble them. The changes of the loss are first fitted on a level and the changes
/// of the consumers' total (technical loss c · total); then, greedily, the (consumer, contiguous span) that removes the
/// most of the remaining residual — net of the span's own level and slope on the total — is accepted provisionally
/// (at least <see cref="EnergyBalanceOptions.MinSpanIntervals"/> intervals, significance at least
/// <see cref="EnergyBalanceOptions.ProvisionalSignificance"/>, robust z at least
/// <see cref="EnergyBalanceOptions.ProvisionalRobustZ"/>), added to the fit and the fit redone. Then every accepted span
/// is judged at the final bars <em>given all the others</em> (one joint fit; each span's statistics are what its
/// consumer's column adds to the fit without it):
/// <list type="bullet">
/// <item>significance: the residual sum of squares it removes over the span, over the span's remaining noise variance
/// per degree of freedom (an F statistic), at least <see cref="EnergyBalanceOptions.MinSignificance"/> — far above the
/// maximum of chance over every consumer and span;</item>
/// <item>it explains at least <see cref="EnergyBalanceOptions.MinConfidence"/> of what the fit without it leaves of
/// the span: a proportional tap is explained almost wholly;</item>
/// <item>its partial correlation with that residual stands at least <see cref="EnergyBalanceOptions.MinRobustZ"/>
/// robust standard deviations (1.4826 · MAD) above the other consumers' over the same span: the honest consumers are
/// the noise estimate; or, instead, the span's levels against the same hours on the other days of the window
/// (<see cref="SameHoursTest"/>, when <c>times</c> are given): the loss left after the technical loss and every other
/// span rose and the consumer's registered energy fell, at one-sided p-values of at most
/// <see cref="EnergyBalanceOptions.MaxSameHoursP"/> and <see cref="EnergyBalanceOptions.MaxSameHoursDropP"/> over the
/// day-to-day variance, and the excess loss agrees with the
/// span's fitted hidden energy within <see cref="EnergyBalanceOptions.SameHoursMatch"/> — a short night tap leaves too
/// few changes for the robust z, but a whole night's level against the other nights;</item>
/// <item>its estimated hidden share reaches <see cref="EnergyBalanceOptions.MinHiddenShare"/>.</item>
/// </list>
/// A span of at least <see cref="EnergyBalanceOptions.LongSpanIntervals"/> changes may pass instead by the long-span
/// test: its share t (how many standard errors its coefficient stands above the one of the minimum share, the lesser
/// of the whole span's and √2 × each half's) at least <see cref="EnergyBalanceOptions.MinLongSpanShareT"/>, its robust z
/// (or the same-hours test) at least <see cref="EnergyBalanceOptions.MinLongSpanRobustZ"/>, and its share the minimum —
/// in place of the significance, confidence and robust z bars: a tap's explained share is its signal-to-noise per
/// interval and does not grow with its length, whereas its fitted share grows more precise.
/// A span shorter than <see cref="EnergyBalanceOptions.SubDaySpanIntervals"/> changes, however it passes, must also be
/// steady in its halves (share t at least <see cref="EnergyBalanceOptions.MinSubDayShareT"/>) or an excess over the same
/// hours on other days (p at most <see cref="EnergyBalanceOptions.MaxSubDaySameHoursP"/>).
/// The span failing by the widest margin is dropped and the rest judged again. Several taps under one transformer
/// each leave their jumps in the others' spans, so each may fail the final bars alone and pass them jointly.
/// Bounded: at most <see cref="EnergyBalanceOptions.MaxSpans"/> spans, span boundaries on a grid of at most
/// <see cref="EnergyBalanceOptions.MaxSpanBoundaries"/> points (so each step is O(consumers · boundaries²)). A tap
/// through the whole window is found too: the level and the total cannot absorb its jumps.
/// </summary>
public static class HiddenSpanSearch
{
    private const double Ridge = 1e-9;

    /// <summary>
    /// The spans found over <paramref name="loss"/> (m complete intervals in time order) and <paramref name="consumers"/>
    /// (n series of m values), in the order found (strongest first); <paramref name="times"/> (the m intervals' times,
    /// ascending), when given, allow the same-hours test.
    /// </summary>
    public static IReadOnlyList<HiddenSpan> Find(IReadOnlyList<double> loss, IReadOnlyList<double[]> consumers, EnergyBalanceOptions options, IReadOnlyList<DateTimeOffset>? times = null)
    {
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(consumers);
        ArgumentNullException.ThrowIfNull(options);
        var m = loss.Count;
        var n = consumers.Count;
        if (n < 2 || m < Math.Max(options.MinCompleteIntervals, options.MinSpanIntervals) || consumers.Any(c => c.Length != m))
        {
            return [];
        }

        if (times is not null && times.Count != m)
        {
            throw new ArgumentException("One time per interval.", nameof(times));
        }

        var levelContext = times is null || options.MaxSameHoursP <= 0 ? null : new SameHoursLevels(times, [.. loss], consumers);

        // Step to step changes: the daily shape households share (and any level) drops out; what is left of a
        // consumer's series is mostly its own appliances switching, which a tap on its meter alone repeats in the loss.
        var levels = consumers;
        var y = Difference([.. loss]);
        consumers = [.. levels.Select(Difference)];
        m--;
        var total = new double[m];
        foreach (var series in consumers)
        {
            for (var t = 0; t < m; t++)
            {
                total[t] += series[t];
            }
        }

        var columns = new List<double[]> { Enumerable.Repeat(1.0, m).ToArray(), total };
        var bounds = Bounds(m, options.MaxSpanBoundaries);
        var provisionalSignificance = Math.Min(options.ProvisionalSignificance, options.MinSignificance);
        var provisionalZ = Math.Min(options.ProvisionalRobustZ, options.MinRobustZ);
        var chosen = new List<Accepted>();
        var theta = Fit(columns, y);
        while (chosen.Count < options.MaxSpans)
        {
            var residual = Residual(columns, theta, y);
            var technical = theta[1];
            var sigma = RobustSigma(residual, y);
            var sums = consumers.Select(x => new SpanSums(x, residual, total)).ToArray();
            // First the spans that pass every final bar alone (strongest first, the step-change search's choice); only
            // when none stands out, provisional acceptance: the strongest span at the looser bars. Several taps at once
            // each leave the others' jumps in its residual, so alone each may fail the final bars although jointly it
            // is clear; every span accepted is judged at the final bars given all the others below.
            var candidates = new List<(int Consumer, int From, int To, double Gain, double Significance, double Slope, bool Confident)>();
            for (var j = 0; j < n; j++)
            {
                var (confident, significant) = Best(sums[j], bounds, sigma, technical, provisionalSignificance, options);
                if (confident is { } c)
                {
                    candidates.Add((j, c.From, c.To, c.Gain, c.Significance, c.Slope, true));
                }

                if (significant is { } s && (confident is null || confident.Value.From != s.From || confident.Value.To != s.To))
                {
                    candidates.Add((j, s.From, s.To, s.Gain, s.Significance, s.Slope, false));
                }
            }

            var accepted = false;
            foreach (var provisional in new[] { false, true })
            {
                foreach (var candidate in candidates.Where(c => provisional || c.Confident).OrderByDescending(c => c.Gain))
                {
                    var z = RobustZ(sums, candidate.Consumer, candidate.From, candidate.To);
                    var sameHours = false;
                    if (z < (provisional ? provisionalZ : options.MinRobustZ))
                    {
                        // Too few changes to stand out among the neighbours: the span's levels against other days.
                        var evidence = levelContext?.Evaluate(candidate.Consumer, candidate.From, candidate.To, theta[1], Others(chosen, theta, -1), options.MinSameHoursDays);
                        sameHours = Passes(evidence, candidate.Slope, options);
                        if (!sameHours)
                        {
                            continue;
                        }
                    }

                    var first = columns.Count;
                    if (candidate.To - candidate.From < m)
                    {
                        // The span's own level and slope on the total (over the whole window they are the base fit's).
                        columns.Add(Indicator(m, candidate.From, candidate.To, null));
                        columns.Add(Indicator(m, candidate.From, candidate.To, total));
                    }

                    columns.Add(Indicator(m, candidate.From, candidate.To, consumers[candidate.Consumer]));
                    chosen.Add(new Accepted(candidate.Consumer, candidate.From, candidate.To, candidate.Significance, z, sameHours, first, columns.Count - first));
                    theta = Fit(columns, y);
                    accepted = true;
                    break;
                }

                if (accepted)
                {
                    break;
                }
            }

            if (!accepted)
            {
                break;
            }
        }

        // Joint judgement: each provisionally accepted span's significance, robust z, confidence and share given all
        // the others (one least-squares fit of the changes on every accepted span's columns). Several taps under one
        // transformer each leave the others' jumps in a span's residual, so alone none explains its span; jointly
        // each does. The span that fails by the widest margin is dropped and the rest refitted and judged again, at
        // most once per accepted span.
        var judged = Judge(columns, chosen, consumers, total, y, levelContext, options);
        for (var round = 0; round < options.MaxSpans && judged.Failing is { } weakest; round++)
        {
            var drop = chosen[weakest];
            columns.RemoveRange(drop.FirstColumn, drop.Columns);
            chosen.RemoveAt(weakest);
            for (var k = weakest; k < chosen.Count; k++)
            {
                chosen[k] = chosen[k] with { FirstColumn = chosen[k].FirstColumn - drop.Columns };
            }

            judged = Judge(columns, chosen, consumers, total, y, levelContext, options);
        }

        if (judged.Failing is not null)
        {
            return [];
        }

        var spans = new List<HiddenSpan>(chosen.Count);
        for (var k = 0; k < chosen.Count; k++)
        {
            var (consumer, first, last, _, _, _, _, _) = chosen[k];
            var (beta, explained, significance, z, sameHours, shareT) = judged.Spans[k];

            // Change d runs from interval d to d + 1: the changes [first, last) span the intervals [first, last + 1).
            var (from, to) = (first, last + 1);
            var registered = 0.0;
            for (var t = from; t < to; t++)
            {
                registered += levels[consumer][t];
            }

            spans.Add(new HiddenSpan(consumer, from, to, beta, beta / (1 + beta), beta * registered, significance, explained, z, sameHours, shareT));
        }

        return spans;
    }

    /// <summary>Span boundaries: every interval, or a regular grid of at most <paramref name="max"/> points, and the end.</summary>
    private static int[] Bounds(int m, int max)
    {
        var stride = Math.Max(1, (m + max - 1) / max);
        var bounds = new List<int>();
        for (var b = 0; b < m; b += stride)
        {
            bounds.Add(b);
        }

        bounds.Add(m);
        return [.. bounds];
    }

    /// <summary>
    /// The consumer's span (on the grid) with the largest gain that passes, judged alone, the final significance,
    /// confidence and share tests; and its span with the largest gain that passes the provisional significance test. Both are judged
    /// later at the final bars, given the other spans (<see cref="Judge"/>). Within the span the residual and the
    /// consumer's series are both taken net of a local level and a local slope on the consumers' total: what is left
    /// of a consumer's series is its own appliances' switching, which only a tap on that meter puts into the loss,
    /// whereas the daily shape every household shares (and any unregistered load, a reversed meter's, say, that
    /// follows it) is absorbed by the total.
    /// </summary>
    private static ((int From, int To, double Gain, double Significance, double Slope)? Confident, (int From, int To, double Gain, double Significance, double Slope)? Significant) Best(SpanSums sums, int[] bounds, double sigma, double technical, double minSignificance, EnergyBalanceOptions options)
    {
        (int From, int To, double Gain, double Significance, double Slope)? confident = null, significant = null;
        for (var a = 0; a < bounds.Length; a++)
        {
            for (var b = a + 1; b < bounds.Length; b++)
            {
                var (from, to) = (bounds[a], bounds[b]);
                if (to - from < options.MinSpanIntervals)
                {
                    continue;
                }

                var (sxx, sxy, syy) = sums.Partial(from, to);
                if (sxx <= 1e-12 || sxy <= 0)
                {
                    continue;
                }

                var gain = sxy * sxy / sxx;
                if (confident is { } current && gain <= current.Gain)
                {
                    continue;
                }

                // The noise is the span's own: what the level, the total and this consumer leave of its residual.
                var noise = Math.Max((syy - gain) / Math.Max(1, to - from - 3), sigma * sigma * 1e-6);
                if (gain < minSignificance * noise)
                {
                    continue;
                }

                if (significant is not { } any || gain > any.Gain)
                {
                    significant = (from, to, gain, gain / noise, sxy / sxx);
                }

                var explained = syy <= 1e-12 ? 0 : Math.Min(1, gain / syy);
                var beta = sxy / sxx / (1 + technical);
                if (gain >= options.MinSignificance * noise && explained >= options.MinConfidence && beta / (1 + beta) >= options.MinHiddenShare)
                {
                    confident = (from, to, gain, gain / noise, sxy / sxx);
                }
            }
        }

        return (confident, significant);
    }

    /// <summary>
    /// Every accepted span judged given all the others: the joint fit of the changes on every column; for each span,
    /// without its consumer's column, the residual sum of squares over the span that the column removes (explained:
    /// its share of what was left; significance: over the span's remaining noise variance per degree of freedom, an F
    /// statistic), its coefficient, and the robust z of its consumer's partial correlation with that residual against
    /// every other consumer's over the span. <c>Failing</c> is the index of the span that fails
    /// <see cref="EnergyBalanceOptions.MinSignificance"/>, <see cref="EnergyBalanceOptions.MinRobustZ"/>,
    /// <see cref="EnergyBalanceOptions.MinConfidence"/> or <see cref="EnergyBalanceOptions.MinHiddenShare"/> by the
    /// widest margin (the lowest ratio of a value to its bar), or null when all pass.
    /// </summary>
    private static (List<(double Beta, double Explained, double Significance, double Z, SameHoursEvidence? SameHours, double ShareT)> Spans, int? Failing) Judge(
        List<double[]> columns, List<Accepted> chosen, IReadOnlyList<double[]> consumers, double[] total, double[] y, SameHoursLevels? levels, EnergyBalanceOptions options)
    {
        var spans = new List<(double Beta, double Explained, double Significance, double Z, SameHoursEvidence? SameHours, double ShareT)>(chosen.Count);
        if (chosen.Count == 0)
        {
            return (spans, null);
        }

        var theta = Fit(columns, y);
        var full = Residual(columns, theta, y);
        int? failing = null;
        var weakest = double.PositiveInfinity;
        for (var k = 0; k < chosen.Count; k++)
        {
            var span = chosen[k];
            var column = span.FirstColumn + span.Columns - 1;
            var beta = Math.Max(0, theta[column] / (1 + theta[1]));
            var without = new List<double[]>(columns);
            without.RemoveAt(column);
            var reduced = Residual(without, Fit(without, y), y);
            var (rssFull, rssWithout) = (0.0, 0.0);
            for (var t = span.From; t < span.To; t++)
            {
                rssFull += full[t] * full[t];
                rssWithout += reduced[t] * reduced[t];
            }

            var removed = Math.Max(0, rssWithout - rssFull);
            var explained = rssWithout <= 1e-12 ? 0 : Math.Clamp(removed / rssWithout, 0, 1);
            var noise = Math.Max(rssFull / Math.Max(1, span.To - span.From - 3), (rssWithout + 1e-12) * 1e-12);
            // Significance and z: the stronger of the reading at acceptance (given the spans accepted before) and the
            // joint one; confidence and share: the joint ones.
            var significance = Math.Max(span.Significance, removed / noise);
            var z = Math.Max(span.Z, JointRobustZ(consumers, reduced, total, span.Consumer, span.From, span.To));
            // Stands out: the robust z, or the same-hours test (jointly, or when the span was accepted by it).
            var sameHours = levels?.Evaluate(span.Consumer, span.From, span.To, theta[1], Others(chosen, theta, k), options.MinSameHoursDays);
            var bySameHours = span.SameHours || Passes(sameHours, theta[column], options);
            double StandsOut(double minZ) => Math.Max(minZ > 0 ? z / minZ : double.PositiveInfinity, bySameHours ? 1 : double.NegativeInfinity);
            var standsOut = StandsOut(options.MinRobustZ);

            var tier = LongSpanTier(span.To - span.From, options);
            var subDay = span.To - span.From < options.SubDaySpanIntervals;
            var shareT = tier is not null || subDay
                ? SteadyShareT(consumers[span.Consumer], reduced, total, span.From, span.To, removed / noise, beta, theta[1], options.MinHiddenShare)
                : ShareT(removed / noise, beta, options.MinHiddenShare);
            spans.Add((beta, explained, significance, z, sameHours, shareT));
            var shared = beta / (1 + beta) / options.MinHiddenShare;
            var margin = Math.Min(
                Math.Min(significance / options.MinSignificance, standsOut),
                Math.Min(options.MinConfidence > 0 ? explained / options.MinConfidence : double.PositiveInfinity, shared));
            if (tier is var (bar, minZ))
            {
                // The long-span test: over a day or more the fitted share is precise, so a share clearly above the bar
                // (in standard errors) replaces the significance and confidence bars, and a looser robust z the
                // stricter one — a tap's explained share is its signal-to-noise per interval, which a small share on a
                // transformer with other taps or a noisy technical loss keeps low however long it lasts.
                margin = Math.Max(margin, Math.Min(Math.Min(shareT / bar, StandsOut(minZ)), shared));
            }

            if (subDay)
            {
                // The sub-day corroboration: a span of hours passing any bar must also be steady in its halves or an
                // excess over the same hours on other days — an honest consumer's evening beside a neighbour's tap
                // can borrow the tap's jumps for a few hours, but neither steadily nor as loss those hours lack daily.
                var corroborated = Math.Max(
                    shareT / options.MinSubDayShareT,
                    bySameHours || (sameHours is { Excess: > 0 } evidence && evidence.ExcessP <= options.MaxSubDaySameHoursP) ? 1 : double.NegativeInfinity);
                margin = Math.Min(margin, corroborated);
            }

            if (margin < 1 && margin < weakest)
            {
                (failing, weakest) = (k, margin);
            }
        }

        return (spans, failing);
    }

    /// <summary>
    /// The bars a span of <paramref name="length"/> changes must reach to pass by the long-span test, share t and robust
    /// z: <see cref="EnergyBalanceOptions.MinLongSpanShareT"/> from <see cref="EnergyBalanceOptions.LongSpanIntervals"/>;
    /// the stricter <see cref="EnergyBalanceOptions.MinShortSpanShareT"/> from
    /// <see cref="EnergyBalanceOptions.ShortSpanIntervals"/>; <see cref="EnergyBalanceOptions.MinBriefSpanShareT"/> and
    /// the stricter robust z <see cref="EnergyBalanceOptions.MinBriefSpanRobustZ"/> from
    /// <see cref="EnergyBalanceOptions.BriefSpanIntervals"/> (a shorter span: more spans searched for chance to pick
    /// from, and halves of fewer changes); null when the span is too short for any, or the test is off
    /// (<see cref="EnergyBalanceOptions.LongSpanIntervals"/> 0 switches off every tier).
    /// </summary>
    private static (double ShareT, double RobustZ)? LongSpanTier(int length, EnergyBalanceOptions options)
    {
        if (options.LongSpanIntervals <= 0)
        {
            return null;
        }

        if (length >= options.LongSpanIntervals)
        {
            return (options.MinLongSpanShareT, options.MinLongSpanRobustZ);
        }

        if (options.ShortSpanIntervals > 0 && length >= options.ShortSpanIntervals)
        {
            return (options.MinShortSpanShareT, options.MinLongSpanRobustZ);
        }

        return options.BriefSpanIntervals > 0 && length >= options.BriefSpanIntervals ? (options.MinBriefSpanShareT, options.MinBriefSpanRobustZ) : null;
    }

    /// <summary>
    /// The long-span test's statistic: the lesser of the whole span's <see cref="ShareT"/> (from the joint
    /// significance <paramref name="f"/> and coefficient <paramref name="beta"/>) and √2 × each half's, each half's
    /// fitted on <paramref name="residual"/> (the joint fit's without the span's column) net of the half's own level and
    /// slope on the total. A tap hides a steady share through its span, so each half carries about 1 / √2 of the
    /// whole's t; a chance fit carried by a few large coincident changes (the first hours of a window, say) does not.
    /// </summary>
    private static double SteadyShareT(double[] series, double[] residual, double[] total, int from, int to, double f, double beta, double technical, double minShare)
    {
        var whole = ShareT(f, beta, minShare);
        var sums = new SpanSums(series, residual, total);
        var middle = from + ((to - from) / 2);
        foreach (var (a, b) in new[] { (from, middle), (middle, to) })
        {
            var (sxx, sxy, syy) = sums.Partial(a, b);
            if (sxx <= 1e-12 || sxy <= 0)
            {
                return Math.Min(whole, 0);
            }

            var gain = sxy * sxy / sxx;
            var noise = Math.Max((syy - gain) / Math.Max(1, b - a - 3), (syy * 1e-12) + 1e-12);
            whole = Math.Min(whole, Math.Sqrt(2) * ShareT(gain / noise, sxy / sxx / (1 + technical), minShare));
        }

        return whole;
    }

    /// <summary>
    /// How many standard errors the coefficient <paramref name="beta"/> (hidden per registered energy, significance
    /// <paramref name="f"/> = (β / se)²) stands above the coefficient of the share <paramref name="minShare"/>:
    /// √F · (1 − β_min / β); negative when β is below it.
    /// </summary>
    private static double ShareT(double f, double beta, double minShare)
    {
        if (!(f > 0) || !(beta > 0))
        {
            return 0;
        }

        var minimum = minShare / (1 - minShare);
        return Math.Sqrt(f) * (1 - (minimum / beta));
    }

    /// <summary>The robust z of consumer <paramref name="j"/> over [from, to) against <paramref name="residual"/> (the joint fit's without the span's column), every series net of the span's level and total.</summary>
    private static double JointRobustZ(IReadOnlyList<double[]> consumers, double[] residual, double[] total, int j, int from, int to)
    {
        var (r, t) = (residual[from..to], total[from..to]);
        var sums = consumers.Select(x => new SpanSums(x[from..to], r, t)).ToArray();
        return RobustZ(sums, j, 0, to - from);
    }

    /// <summary>How far consumer <paramref name="j"/>'s partial correlation with the residual over [from, to) (both net of the span's level and total) stands above the others', in robust standard deviations.</summary>
    private static double RobustZ(SpanSums[] sums, int j, int from, int to)
    {
        double own = 0;
        var others = new List<double>(sums.Length - 1);
        for (var k = 0; k < sums.Length; k++)
        {
            var correlation = sums[k].PartialCorrelation(from, to);
            if (k == j)
            {
                own = correlation;
            }
            else
            {
                others.Add(correlation);
            }
        }

        var median = Median(others);
        var spread = 1.4826 * Median([.. others.Select(c => Math.Abs(c - median))]);
        return spread <= 1e-12 ? (own > median ? double.PositiveInfinity : 0) : (own - median) / spread;
    }

    /// <summary>1.4826 · MAD of the residuals, floored at a millionth of the loss's scale (a noiseless loss still has a finite noise).</summary>
    private static double RobustSigma(double[] residual, double[] y)
    {
        var median = Median([.. residual]);
        var mad = Median([.. residual.Select(v => Math.Abs(v - median))]);
        var scale = y.Length == 0 ? 0 : y.Max(Math.Abs);
        return Math.Max(1.4826 * mad, (1e-6 * scale) + 1e-9);
    }

    /// <summary>A span accepted by the greedy search: its columns are [FirstColumn, FirstColumn + Columns), the consumer's last.</summary>
    private readonly record struct Accepted(int Consumer, int From, int To, double Significance, double Z, bool SameHours, int FirstColumn, int Columns);

    /// <summary>Every accepted span but the <paramref name="except"/>th, with its consumer column's coefficient in <paramref name="theta"/>.</summary>
    private static IEnumerable<(int Consumer, int From, int To, double Coefficient)> Others(List<Accepted> chosen, double[] theta, int except) =>
        chosen.Where((_, k) => k != except).Select(a => (a.Consumer, a.From, a.To, theta[a.FirstColumn + a.Columns - 1]));

    /// <summary>
    /// Whether <paramref name="evidence"/> makes a span stand out: the loss rose and the consumer's registered energy
    /// fell against the same hours on other days (p ≤ <see cref="EnergyBalanceOptions.MaxSameHoursP"/> and
    /// <see cref="EnergyBalanceOptions.MaxSameHoursDropP"/>), and the
    /// excess agrees with the fitted hidden energy per interval (<paramref name="slope"/> · registered) within
    /// <see cref="EnergyBalanceOptions.SameHoursMatch"/>.
    /// </summary>
    private static bool Passes(SameHoursEvidence? evidence, double slope, EnergyBalanceOptions options)
    {
        if (evidence is null || options.MaxSameHoursP <= 0 || slope <= 0 || evidence.Excess <= 0 || evidence.Drop <= 0
            || evidence.ExcessP > options.MaxSameHoursP || evidence.DropP > options.MaxSameHoursDropP)
        {
            return false;
        }

        var expected = slope * evidence.Registered;
        return expected > 0 && evidence.Excess <= options.SameHoursMatch * expected && evidence.Excess * options.SameHoursMatch >= expected;
    }


    private static double[] Difference(double[] values)
    {
        var changes = new double[Math.Max(0, values.Length - 1)];
        for (var t = 0; t < changes.Length; t++)
        {
            changes[t] = values[t + 1] - values[t];
        }

        return changes;
    }

    private static double[] Indicator(int m, int from, int to, double[]? x)
    {
        var column = new double[m];
        for (var t = from; t < to; t++)
        {
            column[t] = x is null ? 1 : x[t];
        }

        return column;
    }

    /// <summary>Least squares θ = (XᵀX + ridge · diag)⁻¹ Xᵀy by Cholesky (p is small: 2 + 2 per span).</summary>
    private static double[] Fit(List<double[]> columns, double[] y)
    {
        var p = columns.Count;
        var gram = new double[p, p];
        var b = new double[p];
        for (var i = 0; i < p; i++)
        {
            b[i] = Dot(columns[i], y);
            for (var k = i; k < p; k++)
            {
                gram[i, k] = gram[k, i] = Dot(columns[i], columns[k]);
            }
        }

        var l = new double[p, p];
        for (var i = 0; i < p; i++)
        {
            for (var k = 0; k <= i; k++)
            {
                var sum = gram[i, k] + (i == k ? (Ridge * gram[i, i]) + 1e-12 : 0);
                for (var q = 0; q < k; q++)
                {
                    sum -= l[i, q] * l[k, q];
                }

                l[i, k] = i == k ? Math.Sqrt(Math.Max(sum, 1e-12)) : sum / l[k, k];
            }
        }

        var z = new double[p];
        for (var i = 0; i < p; i++)
        {
            var sum = b[i];
            for (var q = 0; q < i; q++)
            {
                sum -= l[i, q] * z[q];
            }

            z[i] = sum / l[i, i];
        }

        var theta = new double[p];
        for (var i = p - 1; i >= 0; i--)
        {
            var sum = z[i];
            for (var q = i + 1; q < p; q++)
            {
                sum -= l[q, i] * theta[q];
            }

            theta[i] = sum / l[i, i];
        }

        return theta;
    }

    private static double[] Residual(List<double[]> columns, double[] theta, double[] y)
    {
        var residual = (double[])y.Clone();
        for (var i = 0; i < columns.Count; i++)
        {
            var column = columns[i];
            for (var t = 0; t < residual.Length; t++)
            {
                residual[t] -= theta[i] * column[t];
            }
        }

        return residual;
    }

    private static double Median(List<double> values)
    {
        if (values.Count == 0)
        {
            return 0;
        }

        values.Sort();
        var middle = values.Count / 2;
        return values.Count % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
    }

    private static double Dot(double[] x, double[] y)
    {
        var sum = 0.0;
        for (var i = 0; i < x.Length; i++)
        {
            sum += x[i] * y[i];
        }

        return sum;
    }
}
