using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.Analytics;

/// <summary>
/// What a rule found on one meter: the rule, a category and severity, a confidence (0 to 1), a one-line summary, the
/// data time span it covers and the evidence. Repeated findings with the same <see cref="DedupeKey"/> update the meter's
/// open alert instead of raising another.
/// </summary>
/// <param name="Meter">The meter.</param>
/// <param name="RuleId">The rule that fired (e.g. <c>neutral-mismatch</c>).</param>
/// <param name="Category">An <see cref="AlertCategory"/>.</param>
/// <param name="Severity">How urgent it is.</param>
/// <param name="Confidence">How sure the rule is, from 0 to 1.</param>
/// <param name="Summary">One line for the operator (at most <see cref="MaxSummaryLength"/> characters).</param>
/// <param name="From">The start of the data that made it fire.</param>
/// <param name="To">The end of the data that made it fire (an alert's last-seen time).</param>
/// <param name="Evidence">The facts (at most <see cref="MaxEvidence"/>).</param>
/// <param name="Discriminator">Told apart findings of one rule on one meter that are separate problems (e.g. the event code); empty for one per rule.</param>
public sealed record Finding(
    MeterId Meter,
    string RuleId,
    string Category,
    AlertSeverity Severity,
    double Confidence,
    string Summary,
    DateTimeOffset From,
    DateTimeOffset To,
    IReadOnlyList<EvidenceItem> Evidence,
    string Discriminator = "")
{
    public const int MaxSummaryLength = 500;

    public const int MaxEvidence = 64;

    /// <summary>What identifies one problem: the rule and the discriminator (the meter is stored beside it).</summary>
    public string DedupeKey => Discriminator.Length == 0 ? RuleId : RuleId + ":" + Discriminator;
}
