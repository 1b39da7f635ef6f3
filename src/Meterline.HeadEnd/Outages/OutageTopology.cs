using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.Outages;

/// <summary>
/// The network as the registry describes it: each meter's transformer and feeder, how many meters each transformer
/// and feeder serves, and each transformer's feeder (that of its meters).
/// </summary>
public sealed class OutageTopology
{
    private readonly Dictionary<MeterId, MeterPlace> _places = [];
    private readonly Dictionary<string, int> _transformerMeters = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _feederMeters = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _transformerFeeder = new(StringComparer.Ordinal);

    public OutageTopology(IEnumerable<MeterPlace> places)
    {
        ArgumentNullException.ThrowIfNull(places);
        foreach (var place in places)
        {
            _places[place.Meter] = place;
            if (place.TransformerId is { } transformer)
            {
                _transformerMeters[transformer] = _transformerMeters.GetValueOrDefault(transformer) + 1;
                if (place.FeederId is { } feeder)
                {
                    _transformerFeeder.TryAdd(transformer, feeder);
                }
            }

            if (place.FeederId is { } served)
            {
                _feederMeters[served] = _feederMeters.GetValueOrDefault(served) + 1;
            }
        }
    }

    public static OutageTopology Empty { get; } = new([]);

    public int Count => _places.Count;

    public MeterPlace? Find(MeterId meter) => _places.GetValueOrDefault(meter);

    /// <summary>The meters registered under a transformer.</summary>
    public int MetersOnTransformer(string transformerId) => _transformerMeters.GetValueOrDefault(transformerId);

    /// <summary>The meters registered on a feeder (its customers served).</summary>
    public int MetersOnFeeder(string feederId) => _feederMeters.GetValueOrDefault(feederId);

    public string? FeederOf(string transformerId) => _transformerFeeder.GetValueOrDefault(transformerId);
}
