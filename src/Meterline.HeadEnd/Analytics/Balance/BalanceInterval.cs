using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.Analytics.Balance;

/// <summary>
/// One interval of a transformer's balance: its meter's energy, the sum of the consumers that reported, and — only when
/// the transformer's meter and every consumer reported — the loss. Missing consumers are listed, never counted as loss.
/// </summary>
public sealed record BalanceInterval(
    DateTimeOffset Time,
    double? TransformerEnergy,
    double ConsumersEnergy,
    int ConsumersReported,
    IReadOnlyList<MeterId> MissingConsumers,
    double? Loss,
    double? LossPercent)
{
    public bool IsComplete => Loss is not null;
}
