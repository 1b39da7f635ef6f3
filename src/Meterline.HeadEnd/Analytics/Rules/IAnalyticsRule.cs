using Meterline.HeadEnd.Readings;

namespace Meterline.HeadEnd.Analytics.Rules;

/// <summary>
/// One detection rule: sans-I/O, deterministic, given a window of one meter's data it returns what it found (nothing
/// on normal data). <see cref="Lookback"/> is how much history before the newest data it needs.
/// </summary>
public interface IAnalyticsRule
{
    /// <summary>The stable id stored with the alerts it raises (lower-case words joined by '-').</summary>
    string Id { get; }

    TimeSpan Lookback { get; }

    /// <summary>The quantities the rule reads (empty: any), so that a long look-back reads only what it needs.</summary>
    IReadOnlyList<Quantity> Quantities { get; }

    /// <summary>True for rules run by the periodic pass only (long baselines), false for rules run as data arrives.</summary>
    bool IsPeriodic { get; }

    IReadOnlyList<Finding> Evaluate(MeterWindow window);
}
