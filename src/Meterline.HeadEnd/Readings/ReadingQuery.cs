using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.Readings;

/// <summary>
/// Readings of one meter in [<see cref="From"/>, <see cref="To"/>), time-boxed (at most <see cref="MaxSpan"/>) and
/// paged (at most <see cref="MaxPageSize"/> rows), in time then quantity order.
/// </summary>
public sealed record ReadingQuery
{
    public static readonly TimeSpan MaxSpan = TimeSpan.FromDays(400);

    public const int MaxPageSize = 10_000;

    public ReadingQuery(MeterId meter, DateTimeOffset from, DateTimeOffset to, IReadOnlyList<Quantity>? quantities = null, int pageSize = 1_000, string? pageToken = null)
    {
        if (to <= from)
        {
            throw new ArgumentException("The end of a reading query must come after its start.", nameof(to));
        }

        if (to - from > MaxSpan)
        {
            throw new ArgumentException($"A reading query spans at most {MaxSpan.TotalDays} days.", nameof(to));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pageSize, MaxPageSize);
        Meter = meter;
        From = from;
        To = to;
        Quantities = quantities ?? [];
        PageSize = pageSize;
        PageToken = pageToken;
    }

    public MeterId Meter { get; }

    public DateTimeOffset From { get; }

    public DateTimeOffset To { get; }

    /// <summary>The quantities wanted; empty for all.</summary>
    public IReadOnlyList<Quantity> Quantities { get; }

    public int PageSize { get; }

    /// <summary>The opaque token from the previous page, or null for the first.</summary>
    public string? PageToken { get; }
}
