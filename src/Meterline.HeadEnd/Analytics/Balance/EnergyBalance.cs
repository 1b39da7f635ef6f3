namespace Meterline.HeadEnd.Analytics.Balance;

/// <summary>
/// A transformer's energy balance over a span: per interval, per day (UTC), in total, the ranked suspects, and the
/// technical-loss factor the suspects' fit found (loss per unit of the consumers' energy; null when no fit was made), and
/// the hidden spans (<see cref="HiddenSpanSearch"/>; their indices point into <see cref="Consumers"/> and the complete
/// <see cref="Intervals"/> in order).
/// </summary>
public sealed record EnergyBalance(
    string TransformerId,
    Meters.MeterId TransformerMeter,
    IReadOnlyList<Meters.MeterId> Consumers,
    IReadOnlyList<BalanceInterval> Intervals,
    IReadOnlyList<BalanceTotal> Days,
    BalanceTotal Total,
    IReadOnlyList<SuspectMeter> Suspects,
    double? TechnicalLossFactor = null,
    IReadOnlyList<HiddenSpan>? HiddenSpans = null);
