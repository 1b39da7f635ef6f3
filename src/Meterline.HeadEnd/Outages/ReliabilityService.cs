using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.Outages;

/// <summary>A feeder's reliability indices from the stored outages and the meters registered on it.</summary>
public sealed class ReliabilityService(IOutageStore outages, IMeterRepository meters, OutageOptions? options = null, TimeProvider? time = null)
{
    /// <summary>The longest period one calculation covers.</summary>
    public static readonly TimeSpan MaxSpan = TimeSpan.FromDays(366);

    /// <summary>The most outages one calculation reads.</summary>
    public const int MaxOutages = 10_000;

    private readonly OutageOptions _options = options ?? new OutageOptions();
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public IOutageStore Store => outages;

    /// <summary>An interruption longer than this is sustained.</summary>
    public TimeSpan SustainedThreshold => _options.SustainedThreshold;

    public async Task<ReliabilityIndices> CalculateAsync(string feederId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(feederId);
        if (to <= from || to - from > MaxSpan)
        {
            throw new ArgumentException($"The period runs forward, at most {MaxSpan.TotalDays} days.", nameof(to));
        }

        var served = await CountMetersAsync(meters, new MeterFilter(FeederId: feederId), cancellationToken).ConfigureAwait(false);
        var found = await outages.ListOverlappingAsync(feederId, from, to, MaxOutages, cancellationToken).ConfigureAwait(false);
        return ReliabilityCalculator.Calculate(feederId, from, to, served, found, _options.SustainedThreshold, _time.GetUtcNow());
    }

    /// <summary>The meters a filter selects, counted page by page.</summary>
    internal static async Task<int> CountMetersAsync(IMeterRepository meters, MeterFilter filter, CancellationToken cancellationToken)
    {
        var count = 0;
        string? token = null;
        do
        {
            var page = await meters.ListAsync(filter, 1_000, token, cancellationToken).ConfigureAwait(false);
            count += page.Items.Count;
            token = page.NextPageToken;
        }
        while (token is not null);
        return count;
    }
}
