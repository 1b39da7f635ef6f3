namespace Meterline.HeadEnd.Analytics.Balance;

/// <summary>
/// The energy balance's suspect fit and the <c>energy-balance</c> alert (docs/analytics.md "Energy balance" lists each
/// with its default). The analytics' full pass computes every transformer's balance over the last <see cref="Window"/>
/// of its data and raises a theft alert for a consumer whose estimated hidden share and confidence reach the thresholds.
/// </summary>
public sealed record EnergyBalanceOptions
{
    /// <summary>Whether the full pass evaluates the balances and raises <c>energy-balance</c> alerts; off by default until the full detection record calibrates it (docs/analytics.md).</summary>
    public bool Alerts { get; init; }

    /// <summary>The longest span fitted, ending at the transformer meter's newest interval (at most 31 days).</summary>
    public TimeSpan Window { get; init; } = TimeSpan.FromDays(7);

    /// <summary>The shortest span fitted; the full pass fits this, its doublings below <see cref="Window"/>, and the window (2, 4, 7 days).</summary>
    public TimeSpan MinWindow { get; init; } = TimeSpan.FromDays(2);

    /// <summary>Complete intervals (transformer and every consumer reported) needed for a fit: one day of 15-minute blocks.</summary>
    public int MinCompleteIntervals { get; init; } = 96;

    /// <summary>Complete intervals needed per consumer fitted (a fit of n consumers needs this × n): fewer over-fit the noise.</summary>
    public int MinIntervalsPerConsumer { get; init; } = 4;

    /// <summary>Estimated hidden share, β / (1 + β), from which a consumer is alerted (averaged over the window).</summary>
    public double MinHiddenShare { get; init; } = 0.15;

    /// <summary>Partial R² (the share of the loss's remaining variation the consumer explains) from which it is alerted.</summary>
    public double MinConfidence { get; init; } = 0.1;

    /// <summary>Consumers of one transformer fitted at most (the Gram matrix is n²); above it, suspects are ranked by correlation only.</summary>
    public int MaxFittedConsumers { get; init; } = 500;

    /// <summary>Consumers (largest coefficients first) whose partial R² is computed, each a refit.</summary>
    public int MaxExplained { get; init; } = 10;

    /// <summary>Transformers evaluated per full pass at most.</summary>
    public int MaxTransformers { get; init; } = 5_000;

    public void Validate()
    {
        if (MinWindow <= TimeSpan.Zero || Window < MinWindow || Window > EnergyBalanceService.MaxSpan || MinCompleteIntervals < 2 || MinIntervalsPerConsumer < 1 || !(MinHiddenShare is > 0 and < 1)
            || !(MinConfidence is >= 0 and <= 1) || MaxFittedConsumers < 1 || MaxExplained < 1 || MaxTransformers < 1)
        {
            throw new ArgumentException("Energy balance: 0 < shortest window ≤ window ≤ 31 days, at least 2 intervals, 0 < hidden share < 1, confidence 0 to 1, positive bounds.");
        }
    }
}
