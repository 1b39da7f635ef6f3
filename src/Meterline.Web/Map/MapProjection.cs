using Meterline.HeadEnd.Meters;

namespace Meterline.Web.Map;

/// <summary>
/// Places WGS 84 positions in an SVG view box: an equirectangular projection around the middle latitude (longitude
/// scaled by its cosine, so distances look right over a town), fitted to the box with a margin, north up.
/// </summary>
public sealed class MapProjection
{
    private readonly double _minLatitude;
    private readonly double _minLongitude;
    private readonly double _scale;
    private readonly double _cosine;
    private readonly double _offsetX;
    private readonly double _offsetY;

    public MapProjection(IEnumerable<GeoLocation> locations, double width, double height, double margin)
    {
        ArgumentNullException.ThrowIfNull(locations);
        var all = locations.ToList();
        Width = width;
        Height = height;
        if (all.Count == 0)
        {
            _cosine = 1;
            _scale = 1;
            return;
        }

        _minLatitude = all.Min(l => l.Latitude);
        _minLongitude = all.Min(l => l.Longitude);
        var maxLatitude = all.Max(l => l.Latitude);
        var maxLongitude = all.Max(l => l.Longitude);
        _cosine = Math.Cos((_minLatitude + maxLatitude) / 2 * Math.PI / 180);
        var spanX = (maxLongitude - _minLongitude) * _cosine;
        var spanY = maxLatitude - _minLatitude;

        // A point, or meters on one line: the empty extent does not set the scale (the positions are centred).
        _scale = Math.Min((width - (2 * margin)) / Math.Max(spanX, 1e-9), (height - (2 * margin)) / Math.Max(spanY, 1e-9));
        _offsetX = (width - (spanX * _scale)) / 2;
        _offsetY = (height - (spanY * _scale)) / 2;
    }

    public double Width { get; }

    public double Height { get; }

    public (double X, double Y) Project(GeoLocation location) =>
        (_offsetX + ((location.Longitude - _minLongitude) * _cosine * _scale),
         Height - _offsetY - ((location.Latitude - _minLatitude) * _scale));
}
