using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Readings;

namespace Meterline.EndToEnd.Tests.Support;

/// <summary>Reads back what the head-end stored, through its reading store.</summary>
internal static class StoredReadings
{
    /// <summary>Every stored reading of one meter in [<paramref name="from"/>, <paramref name="to"/>), all pages.</summary>
    public static async Task<List<IntervalReading>> AllAsync(IReadingStore store, MeterId meter, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var readings = new List<IntervalReading>();
        string? token = null;
        do
        {
            var page = await store.QueryAsync(new ReadingQuery(meter, from, to, pageSize: ReadingQuery.MaxPageSize, pageToken: token), cancellationToken);
            readings.AddRange(page.Items);
            token = page.NextPageToken;
        }
        while (token is not null);

        return readings;
    }

    /// <summary>The registered meters by serial.</summary>
    public static async Task<Dictionary<string, HeadEnd.Meters.Meter>> MetersAsync(IMeterRepository meters, CancellationToken cancellationToken)
    {
        var bySerial = new Dictionary<string, HeadEnd.Meters.Meter>(StringComparer.Ordinal);
        await foreach (var meter in meters.ReadAllAsync(cancellationToken))
        {
            bySerial.Add(meter.Serial, meter);
        }

        return bySerial;
    }
}
