using Meterline.Simulator.Theft;

namespace Meterline.Cli.Detection;

/// <summary>One pattern's line of the detection report.</summary>
/// <param name="Pattern">The pattern.</param>
/// <param name="Thefts">Injected thefts of it.</param>
/// <param name="ByAlert">Detected by an alert on the meter within the delay.</param>
/// <param name="ByBalance">Detected by the energy-balance ranking.</param>
/// <param name="Detected">Detected either way.</param>
/// <param name="FalsePositives">Honest consumer meters with an alert of a rule that points at this pattern.</param>
/// <param name="HonestMeters">Honest consumer meters.</param>
internal sealed record PatternScore(TheftPattern Pattern, int Thefts, int ByAlert, int ByBalance, int Detected, int FalsePositives, int HonestMeters)
{
    /// <summary>Detected / thefts; null without thefts.</summary>
    public double? DetectionRate => Thefts == 0 ? null : (double)Detected / Thefts;

    public double FalsePositiveRate => HonestMeters == 0 ? 0 : (double)FalsePositives / HonestMeters;
}
