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
    string Method)
{
    public const string MethodText =
        "loss = transformer meter's block import − Σ consumers' block import, per interval, only where every meter reported; " +
        "suspect score = max(0, r) + 0.5 if the meter has open theft/tamper/integrity alerts, where r is Pearson's correlation between the loss and the meter's deficit against its own median over the complete intervals.";
}
