namespace Meterline.Simulator.Scenarios;

/// <summary>The effect of every active scenario on one meter: what <see cref="ScenarioSchedule"/> last applied.</summary>
internal readonly record struct ScenarioCondition(
    bool Magnet,
    bool Neutral,
    bool Reverse,
    bool Outage,
    double VoltageFactor,
    bool CoverOpen,
    double DriftPpm,
    double BypassShare = 0,
    double? SupplyFrequency = null,
    bool Silent = false)
{
    public static ScenarioCondition Normal => new(false, false, false, false, 1.0, false, 0);
}
