namespace Meterline.HeadEnd.Analytics.Balance;

/// <summary>
/// A span's levels against the same hours of the other days in the window (<see cref="SameHoursTest"/>): how much more
/// the transformer lost, and how much less the consumer registered, than on those days, each with its one-sided
/// p-value given the day-to-day variance (Student's t with <c>Days − 1</c> degrees of freedom).
/// </summary>
/// <param name="Days">The other days whose same hours were complete (the baseline's sample).</param>
/// <param name="Excess">The span's mean unexplained loss per interval less the other days' mean (Wh).</param>
/// <param name="ExcessP">P(an excess this large) on a day like the others.</param>
/// <param name="Drop">The other days' mean registered energy per interval of the consumer less the span's (Wh).</param>
/// <param name="DropP">P(a drop this large) on a day like the others.</param>
/// <param name="Registered">The consumer's mean registered energy per interval over the span (Wh).</param>
public sealed record SameHoursEvidence(int Days, double Excess, double ExcessP, double Drop, double DropP, double Registered);
