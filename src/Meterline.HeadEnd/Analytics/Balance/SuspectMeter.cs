using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.Analytics.Balance;

/// <summary>
/// A consumer meter ranked by how much of the transformer's loss its registered energy explains (docs/analytics.md
/// "Energy balance").
/// </summary>
/// <param name="Meter">The consumer.</param>
/// <param name="Score">The rank's key: <c>HiddenShare · Confidence</c> (or <c>max(0, Correlation)</c> when no fit was made) + 0.5 with open alerts.</param>
/// <param name="Correlation">Pearson's r between the loss and the meter's deficit against its own median (null with fewer than 4 points or no variation): finds a meter whose registered energy drops while the loss rises.</param>
/// <param name="DeficitEnergy">The sum of its positive deficits.</param>
/// <param name="OpenAlerts">Its open or acknowledged theft, tamper and integrity alerts.</param>
/// <param name="HiddenShare">Estimated share of its true load that did not pass its meter, β / (1 + β); null when no fit was made.</param>
/// <param name="Coefficient">β: the loss per unit of its registered energy beyond the technical loss (≥ 0); null when no fit was made.</param>
/// <param name="HiddenEnergy">β · its registered energy over the complete intervals: the loss attributed to it; null when no fit was made.</param>
/// <param name="Confidence">The share of the loss's remaining variation its series explains (partial R², 0 to 1); null when not computed.</param>
public sealed record SuspectMeter(
    MeterId Meter,
    double Score,
    double? Correlation,
    double DeficitEnergy,
    int OpenAlerts,
    double? HiddenShare = null,
    double? Coefficient = null,
    double? HiddenEnergy = null,
    double? Confidence = null)
{
    /// <summary>The balance's own evidence, without the alert bonus: <c>HiddenShare · Confidence</c>, or <c>max(0, Correlation)</c> without a fit.</summary>
    public double Evidence => HiddenShare is { } share ? share * (Confidence ?? 0) : Math.Max(0, Correlation ?? 0);
}
