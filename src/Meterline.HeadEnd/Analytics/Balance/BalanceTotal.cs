namespace Meterline.HeadEnd.Analytics.Balance;

/// <summary>
/// A balance over a span (a day, or the whole request), over its complete intervals only: the transformer's energy,
/// the consumers' energy, the loss and its percentage of the transformer's energy; and how many intervals were left
/// out because data was missing.
/// </summary>
public sealed record BalanceTotal(
    DateTimeOffset From,
    DateTimeOffset To,
    double TransformerEnergy,
    double ConsumersEnergy,
    double Loss,
    double? LossPercent,
    int CompleteIntervals,
    int IncompleteIntervals);
