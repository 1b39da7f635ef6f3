namespace Meterline.HeadEnd.Outages;

/// <summary>
/// SAIDI, SAIFI and MAIFI of one feeder (sans-I/O). Each affected meter of an outage on the feeder is one customer
/// interruption, counted in the period it began in (its loss time in [from, to)), with its whole duration. One longer
/// than <see cref="OutageOptions.SustainedThreshold"/> is sustained (SAIDI, SAIFI); one as long or shorter is
/// momentary (MAIFI). An interruption still going on counts as sustained, with its duration so far, once it is longer
/// than the threshold; until then it is ongoing and not counted.
/// </summary>
public static class ReliabilityCalculator
{
    public static ReliabilityIndices Calculate(string feederId, DateTimeOffset from, DateTimeOffset to, int customersServed, IEnumerable<Outage> outages, TimeSpan sustainedThreshold, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(feederId);
        ArgumentNullException.ThrowIfNull(outages);
        ArgumentOutOfRangeException.ThrowIfNegative(customersServed);
        var sustained = 0;
        var momentary = 0;
        var ongoing = 0;
        var minutes = 0.0;
        var counted = new List<OutageId>();
        foreach (var outage in outages.Where(o => string.Equals(o.FeederId, feederId, StringComparison.Ordinal)).OrderBy(o => o.Id.Value))
        {
            var any = false;
            foreach (var meter in outage.Meters.Where(m => m.LostAt >= from && m.LostAt < to))
            {
                var duration = meter.Duration(now);
                if (duration > sustainedThreshold)
                {
                    sustained++;
                    minutes += duration.TotalMinutes;
                    any = true;
                }
                else if (meter.RestoredAt is not null)
                {
                    momentary++;
                    any = true;
                }
                else
                {
                    ongoing++;
                }
            }

            if (any)
            {
                counted.Add(outage.Id);
            }
        }

        double? PerCustomer(double value) => customersServed == 0 ? null : value / customersServed;
        var saidi = PerCustomer(minutes);
        var saifi = PerCustomer(sustained);
        return new ReliabilityIndices(feederId, from, to, customersServed, sustained, momentary, ongoing, minutes, saidi, saifi, PerCustomer(momentary),
            sustained == 0 || saidi is null ? null : saidi / saifi, counted);
    }
}
