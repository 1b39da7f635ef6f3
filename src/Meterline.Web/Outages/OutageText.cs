using System.Globalization;
using Meterline.HeadEnd.Meters;

namespace Meterline.Web.Outages;

/// <summary>How the outage, balance and power quality pages write durations and plain numbers, and find the feeders and transformers.</summary>
public static class OutageText
{
    /// <summary>The most meters read to find the feeders and transformers.</summary>
    public const int MaxMetersScanned = 100_000;

    /// <summary>A duration as days, hours and minutes (seconds under a minute), e.g. 2 h 05 min.</summary>
    public static string Duration(TimeSpan span) =>
        span.TotalMinutes < 1 ? ((int)span.TotalSeconds).ToString(CultureInfo.InvariantCulture) + " s"
        : span.TotalHours < 1 ? ((int)span.TotalMinutes).ToString(CultureInfo.InvariantCulture) + " min"
        : span.TotalDays < 1 ? string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalHours} h {span.Minutes:D2} min")
        : string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalDays} d {span.Hours} h");

    public static string Number(double? value) => value is { } v ? v.ToString("0.###", CultureInfo.InvariantCulture) : "—";

    /// <summary>The feeders the registry names, in order.</summary>
    public static Task<IReadOnlyList<string>> FeedersAsync(IMeterRepository meters, CancellationToken cancellationToken) =>
        DistinctAsync(meters, m => m.FeederId, cancellationToken);

    /// <summary>The transformers the registry names, in order.</summary>
    public static Task<IReadOnlyList<string>> TransformersAsync(IMeterRepository meters, CancellationToken cancellationToken) =>
        DistinctAsync(meters, m => m.TransformerId, cancellationToken);

    private static async Task<IReadOnlyList<string>> DistinctAsync(IMeterRepository meters, Func<Meter, string?> select, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var found = new SortedSet<string>(StringComparer.Ordinal);
        var scanned = 0;
        string? token = null;
        do
        {
            var page = await meters.ListAsync(new MeterFilter(), 1_000, token, cancellationToken).ConfigureAwait(false);
            scanned += page.Items.Count;
            found.UnionWith(page.Items.Select(select).OfType<string>().Where(s => s.Length > 0));
            token = page.NextPageToken;
        }
        while (token is not null && scanned < MaxMetersScanned);
        return [.. found];
    }
}
