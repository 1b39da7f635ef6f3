namespace Meterline.Simulator.Theft;

/// <summary>
/// Which consumer meters steal, how and when (<see cref="TheftPlan"/>): a share of them, each given a pattern drawn
/// from the mix, a start drawn uniformly from <see cref="EarliestStart"/> to <see cref="LatestStart"/> of the run, and
/// either the rest of the run or (with probability <see cref="SpanProbability"/>) a span from
/// <see cref="MinSpan"/> to <see cref="MaxSpan"/>.
/// </summary>
public sealed record TheftOptions
{
    /// <summary>The share of consumer meters that steal, [0, 1]; at least one meter when above 0.</summary>
    public double Share { get; init; } = 0.05;

    /// <summary>The relative weight of each pattern (all four equally by default); a pattern of weight 0 is never drawn.</summary>
    public IReadOnlyDictionary<TheftPattern, double> Mix { get; init; } = new Dictionary<TheftPattern, double>
    {
        [TheftPattern.Bypass] = 1, [TheftPattern.Magnet] = 1, [TheftPattern.Neutral] = 1, [TheftPattern.Reversed] = 1,
    };

    /// <summary>The earliest start, as a share of the run (0: at the start).</summary>
    public double EarliestStart { get; init; } = 0.15;

    /// <summary>The latest start, as a share of the run.</summary>
    public double LatestStart { get; init; } = 0.6;

    /// <summary>The probability that a theft lasts a span rather than the rest of the run.</summary>
    public double SpanProbability { get; init; } = 0.3;

    public TimeSpan MinSpan { get; init; } = TimeSpan.FromHours(6);

    public TimeSpan MaxSpan { get; init; } = TimeSpan.FromDays(2);

    /// <summary>A bypass taps from this share of the load …</summary>
    public double MinBypassShare { get; init; } = 0.3;

    /// <summary>… to this one.</summary>
    public double MaxBypassShare { get; init; } = 0.7;

    /// <exception cref="ArgumentException">A value out of range.</exception>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Mix);
        if (!(Share is >= 0 and <= 1) || Mix.Values.Any(w => !(w >= 0 && double.IsFinite(w))) || (Share > 0 && Mix.Values.Sum() <= 0)
            || !(EarliestStart >= 0 && EarliestStart <= LatestStart && LatestStart < 1) || !(SpanProbability is >= 0 and <= 1)
            || MinSpan <= TimeSpan.Zero || MaxSpan < MinSpan || !(MinBypassShare > 0 && MinBypassShare <= MaxBypassShare && MaxBypassShare < 1))
        {
            throw new ArgumentException(
                "Thefts: a share from 0 to 1, non-negative pattern weights (some positive), 0 ≤ earliest ≤ latest start < 1, "
                + "a span probability from 0 to 1, 0 < min span ≤ max span, 0 < bypass shares < 1 in order.");
        }
    }
}
