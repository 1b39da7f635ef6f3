using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.Prepaid;

/// <summary>Finds the meters of a prepaid consumer in the registry (all of them draw on its account).</summary>
internal sealed class PrepaidConsumerMeters(IMeterRepository meters, PrepaidOptions options, PrepaidMetrics metrics)
{
    private const int PageSize = 200;

    /// <summary>The consumer's meters in id order, at most <see cref="PrepaidOptions.MaxMetersPerConsumer"/> (more is counted as a failure).</summary>
    public async Task<IReadOnlyList<Meter>> OfAsync(string consumerId, CancellationToken cancellationToken)
    {
        var found = new List<Meter>();
        string? token = null;
        do
        {
            var page = await meters.ListAsync(new MeterFilter(Search: consumerId), PageSize, token, cancellationToken).ConfigureAwait(false);
            found.AddRange(page.Items.Where(m => string.Equals(m.ConsumerId, consumerId, StringComparison.Ordinal)));
            token = page.NextPageToken;
        }
        while (token is not null && found.Count < options.MaxMetersPerConsumer);

        if (found.Count > options.MaxMetersPerConsumer)
        {
            metrics.OnFailure(new InvalidDataException($"Consumer '{consumerId}' has more than {options.MaxMetersPerConsumer} meters; only the first are priced."));
        }

        return [.. found.OrderBy(m => m.Id).Take(options.MaxMetersPerConsumer)];
    }
}
