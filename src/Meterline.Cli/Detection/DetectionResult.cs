namespace Meterline.Cli.Detection;

/// <summary>The scored run: per pattern, overall, and per theft.</summary>
/// <param name="Patterns">One line per pattern.</param>
/// <param name="Verdicts">One per injected theft.</param>
/// <param name="HonestMeters">Consumer meters that did not steal.</param>
/// <param name="HonestWithAlert">Of them, those with any theft, tamper or integrity alert.</param>
/// <param name="HonestInBalanceTopK">Of them, those the balance ranking would send an inspector to (top k, loss above threshold).</param>
/// <param name="Transformers">Transformers balanced.</param>
/// <param name="MedianLossPercent">The median over transformers of the loss over the run.</param>
internal sealed record DetectionResult(
    IReadOnlyList<PatternScore> Patterns,
    IReadOnlyList<TheftVerdict> Verdicts,
    int HonestMeters,
    int HonestWithAlert,
    int HonestInBalanceTopK,
    int Transformers,
    double? MedianLossPercent)
{
    public int Thefts => Verdicts.Count;

    public int Detected => Verdicts.Count(v => v.Detected);

    public double FalsePositiveRate => HonestMeters == 0 ? 0 : (double)HonestWithAlert / HonestMeters;
}
