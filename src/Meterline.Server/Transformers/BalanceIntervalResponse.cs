namespace Meterline.Server.Transformers;

/// <summary>One interval of a balance: loss only when every meter reported; the consumers that did not are listed by serial.</summary>
public sealed record BalanceIntervalResponse(DateTimeOffset Time, double? TransformerEnergy, double ConsumersEnergy, int ConsumersReported, IReadOnlyList<string> MissingConsumers, double? Loss, double? LossPercent);
