namespace Meterline.HeadEnd.Analytics.Balance;

/// <summary>
/// A span during which a transformer's loss follows one consumer's registered energy beyond the technical loss
/// (<see cref="HiddenSpanSearch"/>): the consumer probably hid a share of its load ahead of its meter then.
/// </summary>
/// <param name="Consumer">The consumer's index in the series given to the search.</param>
/// <param name="From">The first complete interval of the span (index into the complete intervals).</param>
/// <param name="To">One past the last complete interval of the span.</param>
/// <param name="Coefficient">β: hidden energy per unit of registered energy in the span, after the technical loss on it (≥ 0).</param>
/// <param name="HiddenShare">β / (1 + β): the estimated share of its true load that did not pass its meter in the span.</param>
/// <param name="HiddenEnergy">β · its registered energy over the span.</param>
/// <param name="Significance">What attributing the span's loss changes to this consumer removed from the residual sum of squares, in units of the span's remaining noise variance (an F statistic).</param>
/// <param name="Explained">The share of the span's remaining loss variation (its changes, net of the span's level and total) the consumer's series explains (0 to 1).</param>
/// <param name="RobustZ">How far its partial correlation with the span's residual stands above the other consumers', in robust standard deviations (1.4826 · MAD).</param>
/// <param name="ShareT">How many standard errors β stands above the coefficient of the alert's minimum hidden share (√F · (1 − β_min / β), the long-span test).</param>
/// <param name="SameHours">The span's levels against the same hours on the other days (<see cref="SameHoursTest"/>), when the window has enough such days; null otherwise.</param>
public sealed record HiddenSpan(
    int Consumer,
    int From,
    int To,
    double Coefficient,
    double HiddenShare,
    double HiddenEnergy,
    double Significance,
    double Explained,
    double RobustZ,
    SameHoursEvidence? SameHours = null,
    double ShareT = 0);
