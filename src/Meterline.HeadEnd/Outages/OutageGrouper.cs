namespace Meterline.HeadEnd.Outages;

/// <summary>
/// Decides what a set of losses learnt together is (sans-I/O): the meters under one transformer make a transformer
/// outage when at least <see cref="OutageOptions.MinimumMeters"/> of them, or at least
/// <see cref="OutageOptions.MinimumShare"/> of the meters registered under it, lost supply — and always at least two;
/// transformer outages of one feeder, at least <see cref="OutageOptions.MinimumTransformers"/> of them, make one
/// feeder outage; every other meter is alone: a meter or service fault.
/// </summary>
public static class OutageGrouper
{
    public static IReadOnlyList<OutageGroup> Group(IEnumerable<AffectedMeter> losses, OutageTopology topology, OutageOptions options)
    {
        ArgumentNullException.ThrowIfNull(losses);
        ArgumentNullException.ThrowIfNull(topology);
        ArgumentNullException.ThrowIfNull(options);
        var alone = new List<AffectedMeter>();
        var transformers = new List<(string Transformer, string? Feeder, List<AffectedMeter> Meters)>();
        foreach (var byTransformer in losses.GroupBy(l => topology.Find(l.Meter)?.TransformerId ?? string.Empty, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var meters = byTransformer.OrderBy(m => m.Meter).ToList();
            if (byTransformer.Key.Length == 0 || !IsTransformerOutage(meters.Count, topology.MetersOnTransformer(byTransformer.Key), options))
            {
                alone.AddRange(meters);
                continue;
            }

            var feeder = topology.FeederOf(byTransformer.Key) ?? meters.Select(m => topology.Find(m.Meter)?.FeederId).FirstOrDefault(f => f is not null);
            transformers.Add((byTransformer.Key, feeder, meters));
        }

        var groups = new List<OutageGroup>();
        foreach (var byFeeder in transformers.GroupBy(t => t.Feeder ?? string.Empty, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var members = byFeeder.ToList();
            if (byFeeder.Key.Length > 0 && members.Count >= options.MinimumTransformers)
            {
                groups.Add(new OutageGroup(OutageScope.Feeder, byFeeder.Key, byFeeder.Key, [.. members.SelectMany(t => t.Meters).OrderBy(m => m.Meter)]));
                continue;
            }

            groups.AddRange(members.Select(t => new OutageGroup(OutageScope.Transformer, t.Transformer, t.Feeder, t.Meters)));
        }

        foreach (var meter in alone.OrderBy(m => m.Meter))
        {
            var place = topology.Find(meter.Meter);
            groups.Add(new OutageGroup(OutageScope.Meter, place?.Serial ?? meter.Meter.ToString(), place?.FeederId, [meter]));
        }

        return groups;
    }

    /// <summary>At least two meters, and at least the minimum count or the minimum share of the transformer's meters.</summary>
    public static bool IsTransformerOutage(int down, int registered, OutageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (down < 2)
        {
            return false;
        }

        var served = Math.Max(down, registered);
        return down >= options.MinimumMeters || down >= options.MinimumShare * served - 1e-9;
    }
}
