using System.Globalization;

namespace Meterline.Simulator.Topology;

/// <summary>
/// The distribution network of a simulated fleet, a pure function of (consumer count, seed, options): consumer meters
/// 0 to N − 1 are dealt in order to transformers of a seeded size between the options' minimum and maximum (the last
/// one takes what is left), transformers to feeders in order, <see cref="TopologyOptions.TransformersPerFeeder"/> each.
/// Every transformer has one meter of its total, placed after the consumers: fleet index N + t for transformer t.
/// Transformers stand uniformly within the area's radius of the centre, consumers within the service radius of their
/// transformer.
/// </summary>
public sealed class FleetTopology
{
    private const double MetresPerDegree = 111_320;

    private FleetTopology(IReadOnlyList<ConsumerSite> consumers, IReadOnlyList<TransformerSite> transformers)
    {
        Consumers = consumers;
        Transformers = transformers;
    }

    /// <summary>Every consumer meter, by fleet index.</summary>
    public IReadOnlyList<ConsumerSite> Consumers { get; }

    /// <summary>Every transformer, in order (their meters' indexes follow the consumers').</summary>
    public IReadOnlyList<TransformerSite> Transformers { get; }

    /// <summary>Consumer meters plus one meter per transformer.</summary>
    public int MeterCount => Consumers.Count + Transformers.Count;

    /// <summary>The transformer whose total the meter at <paramref name="index"/> measures, or null for a consumer meter.</summary>
    public TransformerSite? TransformerMeasuredBy(int index) =>
        index >= Consumers.Count && index < MeterCount ? Transformers[index - Consumers.Count] : null;

    /// <summary>The transformer supplying the consumer meter at <paramref name="index"/>, or null.</summary>
    public TransformerSite? TransformerOf(int index) =>
        index >= 0 && index < Consumers.Count ? Transformers.First(t => t.Supplies(index)) : null;

    /// <exception cref="ArgumentException">Bad options, or fewer than one consumer.</exception>
    public static FleetTopology Create(int consumers, int seed, TopologyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(consumers, 1);
        options.Validate();
        var random = new Fleet.SeededSequence((ulong)(uint)seed ^ 0x70B0_1061_0000_0000UL);
        var transformers = new List<TransformerSite>();
        var sites = new ConsumerSite[consumers];
        var first = 0;
        while (first < consumers)
        {
            var t = transformers.Count;
            var count = Math.Min(consumers - first, random.Next(options.MinConsumersPerTransformer, options.MaxConsumersPerTransformer + 1));
            var (lat, lon) = Place(ref random, options.CentreLatitude, options.CentreLongitude, options.AreaRadiusMetres);
            var id = string.Create(CultureInfo.InvariantCulture, $"DT-{t + 1:D4}");
            var feeder = string.Create(CultureInfo.InvariantCulture, $"F-{(t / options.TransformersPerFeeder) + 1:D2}");
            transformers.Add(new TransformerSite(id, feeder, lat, lon, first, count, -1));
            for (var i = first; i < first + count; i++)
            {
                var (clat, clon) = Place(ref random, lat, lon, options.ServiceRadiusMetres);
                sites[i] = new ConsumerSite(i, string.Create(CultureInfo.InvariantCulture, $"C-{i + 1:D6}"), id, feeder, clat, clon);
            }

            first += count;
        }

        return new FleetTopology(sites, [.. transformers.Select((t, i) => t with { MeterIndex = consumers + i })]);
    }

    /// <summary>A point uniformly distributed within <paramref name="radius"/> metres of (lat, lon), rounded to about 1 cm.</summary>
    private static (double Latitude, double Longitude) Place(ref Fleet.SeededSequence random, double latitude, double longitude, double radius)
    {
        var distance = radius * Math.Sqrt(random.NextDouble());
        var angle = 2 * Math.PI * random.NextDouble();
        var north = distance * Math.Cos(angle);
        var east = distance * Math.Sin(angle);
        var lat = latitude + (north / MetresPerDegree);
        var lon = longitude + (east / (MetresPerDegree * Math.Cos(latitude * Math.PI / 180)));
        return (Math.Round(lat, 7), Math.Round(Math.Clamp(lon, -180, 180), 7));
    }
}
