namespace Meterline.HeadEnd.Analytics.Balance;

/// <summary>
/// The fit of a transformer's interval loss on its consumers' registered energy (<see cref="HiddenShareRegression"/>).
/// </summary>
/// <param name="TechnicalLossFactor">Loss per unit of registered energy common to the consumers (their median coefficient: the technical loss, ~0.03).</param>
/// <param name="Coefficients">Per consumer (in the order given), β: hidden energy per unit of its registered energy (≥ 0).</param>
/// <param name="Explained">Per consumer, the share of the loss's remaining variation it explains (partial R², 0 to 1); null where not computed.</param>
/// <param name="ResidualSumOfSquares">What the fit leaves unexplained.</param>
/// <param name="TotalSumOfSquares">The loss's variation around its mean.</param>
/// <param name="Intervals">The complete intervals fitted.</param>
public sealed record HiddenShareFit(
    double TechnicalLossFactor,
    IReadOnlyList<double> Coefficients,
    IReadOnlyList<double?> Explained,
    double ResidualSumOfSquares,
    double TotalSumOfSquares,
    int Intervals);
