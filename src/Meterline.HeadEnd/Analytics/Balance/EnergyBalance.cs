namespace Meterline.HeadEnd.Analytics.Balance;

/// <summary>A transformer's energy balance over a span: per interval, per day (UTC), in total, and the ranked suspects.</summary>
public sealed record EnergyBalance(
    string TransformerId,
    Meters.MeterId TransformerMeter,
    IReadOnlyList<Meters.MeterId> Consumers,
    IReadOnlyList<BalanceInterval> Intervals,
    IReadOnlyList<BalanceTotal> Days,
    BalanceTotal Total,
    IReadOnlyList<SuspectMeter> Suspects);
