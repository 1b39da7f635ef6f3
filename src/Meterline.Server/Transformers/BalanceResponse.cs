using Meterline.HeadEnd.Analytics.Balance;

namespace Meterline.Server.Transformers;

/// <summary>A transformer's energy balance over [from, to): per interval, per UTC day, in total (energies in Wh, complete intervals only) and the ranked suspects.</summary>
public sealed record BalanceResponse(
    string Transformer,
    string? TransformerMeter,
    int Consumers,
    DateTimeOffset From,
    DateTimeOffset To,
    BalanceTotal Total,
    IReadOnlyList<BalanceTotal> Days,
    IReadOnlyList<BalanceIntervalResponse> Intervals,
    IReadOnlyList<SuspectResponse> Suspects,
    string Method,
    double? TechnicalLossFactor = null)
{
    public const string MethodText =
        "loss = transformer meter's block import − Σ consumers' block import, per interval, only where every meter reported; " +
        "suspects: non-negative least squares of the loss on every consumer's block import beside a technical loss proportional to their total " +
        "(loss ≈ a + c·Σx + Σ β_j·x_j, β_j ≥ 0, a small ridge on β); a meter hiding a share s of its load has β ≈ s/(1−s); hiddenShare = β/(1+β), " +
        "confidence = the share of the loss's remaining variation the meter explains (partial R²); score = hiddenShare · confidence " +
        "(max(0, r) without a fit, r being Pearson's correlation between the loss and the meter's deficit against its own median) + 0.5 if the meter has open theft/tamper/integrity alerts.";
}
