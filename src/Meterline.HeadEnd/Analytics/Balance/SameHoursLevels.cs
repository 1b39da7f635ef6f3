namespace Meterline.HeadEnd.Analytics.Balance;

/// <summary>
/// The levels <see cref="HiddenSpanSearch"/> hands to <see cref="SameHoursTest"/>: the intervals' times, the loss, every
/// consumer's registered energy and their total. The loss is taken net of the technical loss (c · total, the change
/// fit's c) and of every other accepted span's hidden energy (its coefficient times its consumer's registered energy
/// over the span's intervals), so that another tap on the same transformer on another day does not raise the baseline.
/// </summary>
internal sealed class SameHoursLevels(IReadOnlyList<DateTimeOffset> times, double[] loss, IReadOnlyList<double[]> consumers)
{
    private readonly double[] _total = Total(consumers, loss.Length);

    /// <summary>
    /// The evidence for consumer <paramref name="consumer"/> over the changes [<paramref name="from"/>, <paramref name="to"/>)
    /// — the intervals strictly inside them, (from, to), whose both changes are in the span — given the technical
    /// loss factor and the other spans (each its consumer, its changes and its coefficient on the loss's changes).
    /// </summary>
    public SameHoursEvidence? Evaluate(int consumer, int from, int to, double technical, IEnumerable<(int Consumer, int From, int To, double Coefficient)> others, int minDays)
    {
        var unexplained = new double[loss.Length];
        for (var t = 0; t < unexplained.Length; t++)
        {
            unexplained[t] = loss[t] - (technical * _total[t]);
        }

        foreach (var other in others)
        {
            // Changes [From, To) run over the intervals [From, To]; the span's registered series carries its share.
            var series = consumers[other.Consumer];
            for (var t = other.From; t <= other.To && t < unexplained.Length; t++)
            {
                unexplained[t] -= other.Coefficient * series[t];
            }
        }

        return SameHoursTest.Evaluate(times, unexplained, consumers[consumer], from + 1, to, minDays);
    }

    private static double[] Total(IReadOnlyList<double[]> consumers, int m)
    {
        var total = new double[m];
        foreach (var series in consumers)
        {
            for (var t = 0; t < m; t++)
            {
                total[t] += series[t];
            }
        }

        return total;
    }
}
