using Meterline.HeadEnd.Meters;

namespace Meterline.Web.Map;

/// <summary>
/// A distribution transformer on the map: the registry has no transformer positions, so it stands at the centroid of
/// the meters registered under it, with their feeder.
/// </summary>
public sealed record TransformerSite(string Id, string? FeederId, GeoLocation Location, IReadOnlyList<Meter> Meters)
{
    public static IReadOnlyList<TransformerSite> From(IEnumerable<Meter> meters) =>
        [.. meters
            .Where(m => m.TransformerId is not null && m.Location is not null)
            .GroupBy(m => m.TransformerId!, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new TransformerSite(
                g.Key,
                g.Select(m => m.FeederId).FirstOrDefault(f => f is not null),
                new GeoLocation(g.Average(m => m.Location!.Value.Latitude), g.Average(m => m.Location!.Value.Longitude)),
                [.. g]))];
}
