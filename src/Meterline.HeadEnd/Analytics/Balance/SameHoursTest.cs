namespace Meterline.HeadEnd.Analytics.Balance;

/// <summary>
/// Compares a span's levels with the same hours on the other days of the window (sans-I/O). A tap moves a share of
/// its meter's load into the transformer's loss: over the tapped hours the loss rises above what it is at those hours
/// on other days, and the meter registers less than it does then. Each is a two-sample question with one sample per
/// day — the span's mean against the other days' means — so its significance is a Student's t over the day-to-day
/// variance (a prediction interval for one new day: <c>t = (x₀ − mean) / (sd · √(1 + 1/k))</c>, k − 1 degrees of
/// freedom), not a spread over a few dozen within-span changes. A day counts only when every interval of the span,
/// shifted by whole days, is complete and outside the span.
/// </summary>
public static class SameHoursTest
{
    /// <summary>
    /// The evidence for the intervals [<paramref name="from"/>, <paramref name="to"/>) of complete intervals at
    /// <paramref name="times"/> (ascending), given each interval's <paramref name="unexplained"/> loss (after the technical loss
    /// and every other span's hidden share) and the consumer's <paramref name="registered"/> energy; null when fewer
    /// than <paramref name="minDays"/> other days (at least 2) have the span's hours complete, or the span is empty.
    /// </summary>
    public static SameHoursEvidence? Evaluate(IReadOnlyList<DateTimeOffset> times, IReadOnlyList<double> unexplained, IReadOnlyList<double> registered, int from, int to, int minDays)
    {
        ArgumentNullException.ThrowIfNull(times);
        ArgumentNullException.ThrowIfNull(unexplained);
        ArgumentNullException.ThrowIfNull(registered);
        var m = times.Count;
        if (unexplained.Count != m || registered.Count != m || from < 0 || to > m || to - from < 1)
        {
            return null;
        }

        // Whole days from the span's first interval back to the window's start and on to its end.
        var (first, last) = (times[0], times[m - 1]);
        var back = (int)Math.Floor((times[from] - first).TotalDays);
        var ahead = (int)Math.Floor((last - times[to - 1]).TotalDays);
        var (spanStart, spanEnd) = (times[from], times[to - 1]);
        var losses = new List<double>();
        var registers = new List<double>();
        for (var d = -back; d <= ahead; d++)
        {
            if (d == 0)
            {
                continue;
            }

            var shift = TimeSpan.FromDays(d);
            if (spanStart + shift <= spanEnd && spanEnd + shift >= spanStart)
            {
                continue;
            }

            var (loss, register, found) = (0.0, 0.0, true);
            for (var t = from; t < to && found; t++)
            {
                var index = IndexOf(times, times[t] + shift);
                found = index >= 0;
                if (found)
                {
                    loss += unexplained[index];
                    register += registered[index];
                }
            }

            if (found)
            {
                losses.Add(loss / (to - from));
                registers.Add(register / (to - from));
            }
        }

        if (losses.Count < Math.Max(2, minDays))
        {
            return null;
        }

        var (spanLoss, spanRegistered) = (0.0, 0.0);
        for (var t = from; t < to; t++)
        {
            spanLoss += unexplained[t];
            spanRegistered += registered[t];
        }

        spanLoss /= to - from;
        spanRegistered /= to - from;
        var days = losses.Count;
        var excess = spanLoss - losses.Average();
        var drop = registers.Average() - spanRegistered;
        return new SameHoursEvidence(days, excess, Tail(excess, losses), drop, Tail(drop, registers), spanRegistered);
    }

    /// <summary>One-sided p of a departure <paramref name="difference"/> from the mean of <paramref name="sample"/>, for one new day.</summary>
    private static double Tail(double difference, List<double> sample)
    {
        var k = sample.Count;
        var mean = sample.Average();
        var variance = sample.Sum(v => (v - mean) * (v - mean)) / (k - 1);
        var scale = Math.Sqrt(variance * (1 + (1.0 / k)));
        if (scale <= 1e-12 * (1 + Math.Abs(mean)))
        {
            return difference > 1e-9 * (1 + Math.Abs(mean)) ? 0 : 1;
        }

        return StudentT.UpperTail(difference / scale, Math.Min(k - 1, StudentT.MaxDegreesOfFreedom));
    }

    private static int IndexOf(IReadOnlyList<DateTimeOffset> times, DateTimeOffset time)
    {
        var (low, high) = (0, times.Count - 1);
        while (low <= high)
        {
            var middle = low + ((high - low) / 2);
            var comparison = times[middle].CompareTo(time);
            if (comparison == 0)
            {
                return middle;
            }

            if (comparison < 0)
            {
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        return -1;
    }
}
