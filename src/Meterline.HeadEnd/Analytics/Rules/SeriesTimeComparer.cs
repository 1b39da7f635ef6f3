namespace Meterline.HeadEnd.Analytics.Rules;

/// <summary>Orders series points by time only (for binary search).</summary>
internal sealed class SeriesTimeComparer : IComparer<SeriesPoint>
{
    public static readonly SeriesTimeComparer Instance = new();

    public int Compare(SeriesPoint x, SeriesPoint y) => x.Time.CompareTo(y.Time);
}
