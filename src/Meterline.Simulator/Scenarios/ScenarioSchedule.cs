namespace Meterline.Simulator.Scenarios;

/// <summary>
/// Applies scenarios to meters at their simulated times. On each <see cref="Apply"/> it starts the scenarios whose
/// start has come and ends those whose end has come, then gives each affected meter the combined effect of its active
/// scenarios: a condition holds while any scenario of its kind is active (overlaps do not end each other), and the
/// voltage factor, drift and frequency are those of the latest-listed active sag, drift and frequency scenario. Only changes are applied. The
/// granularity is the caller's tick (a scenario shorter than a tick may start and end in the same call). Not
/// thread-safe: the runner calls it from its one tick loop.
/// </summary>
public sealed class ScenarioSchedule
{
    private readonly Scenario[] _scenarios;
    private readonly DateTimeOffset _simulationStart;
    private readonly bool[] _active;
    private readonly bool[] _ended;
    private readonly Dictionary<int, ScenarioCondition> _applied = [];

    public ScenarioSchedule(IEnumerable<Scenario> scenarios, DateTimeOffset simulationStart)
    {
        ArgumentNullException.ThrowIfNull(scenarios);
        _scenarios = [.. scenarios];
        _simulationStart = simulationStart;
        _active = new bool[_scenarios.Length];
        _ended = new bool[_scenarios.Length];
    }

    public IReadOnlyList<Scenario> Scenarios => _scenarios;

    /// <summary>Scenarios active now.</summary>
    public int ActiveCount => _active.Count(a => a);

    /// <summary>Scenarios started so far (including ended ones).</summary>
    public int StartedCount { get; private set; }

    /// <summary>Starts and ends scenarios due at <paramref name="now"/> and applies the changes to <paramref name="meters"/>.</summary>
    public void Apply(DateTimeOffset now, IReadOnlyList<IScenarioTarget> meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var changed = new HashSet<int>();
        for (var i = 0; i < _scenarios.Length; i++)
        {
            if (_ended[i])
            {
                continue;
            }

            var scenario = _scenarios[i];
            var wasActive = _active[i];
            if (!wasActive && now >= scenario.StartsAt(_simulationStart))
            {
                _active[i] = true;
                StartedCount++;
            }

            if (_active[i] && scenario.EndsAt(_simulationStart) is { } end && now >= end)
            {
                _active[i] = false;
                _ended[i] = true;
            }

            if (_active[i] != wasActive || _ended[i])
            {
                for (var m = scenario.Meters.First; m <= scenario.Meters.Last && m < meters.Count; m++)
                {
                    changed.Add(m);
                }
            }
        }

        foreach (var index in changed)
        {
            var target = ConditionOf(index);
            var applied = _applied.GetValueOrDefault(index, ScenarioCondition.Normal);
            if (target != applied)
            {
                Change(meters[index], applied, target);
                _applied[index] = target;
            }
        }
    }

    private ScenarioCondition ConditionOf(int meter)
    {
        var condition = ScenarioCondition.Normal;
        for (var i = 0; i < _scenarios.Length; i++)
        {
            if (!_active[i] || !_scenarios[i].Meters.Contains(meter))
            {
                continue;
            }

            var s = _scenarios[i];
            condition = s.Kind switch
            {
                ScenarioKind.Magnet => condition with { Magnet = true },
                ScenarioKind.Neutral => condition with { Neutral = true },
                ScenarioKind.Reverse => condition with { Reverse = true },
                ScenarioKind.Outage => condition with { Outage = true },
                ScenarioKind.Silent => condition with { Silent = true },
                ScenarioKind.Sag => condition with { VoltageFactor = s.Factor ?? 1.0 },
                ScenarioKind.CoverOpen => condition with { CoverOpen = true },
                ScenarioKind.Drift => condition with { DriftPpm = s.Ppm ?? 0 },
                ScenarioKind.Frequency => condition with { SupplyFrequency = s.Hertz },
                ScenarioKind.Bypass => condition with { BypassShare = Math.Max(condition.BypassShare, s.Factor ?? 0) },
                _ => condition,
            };
        }

        return condition;
    }

    private static void Change(IScenarioTarget meter, ScenarioCondition from, ScenarioCondition to)
    {
        if (from.Outage != to.Outage)
        {
            meter.SetOutage(to.Outage);
        }

        if (from.Silent != to.Silent)
        {
            meter.SetSilent(to.Silent);
        }

        if (from.Magnet != to.Magnet)
        {
            meter.SetMagnet(to.Magnet);
        }

        if (from.Neutral != to.Neutral)
        {
            meter.SetNeutralDisturbance(to.Neutral);
        }

        if (from.Reverse != to.Reverse)
        {
            meter.SetReverseCurrent(to.Reverse);
        }

        if (from.VoltageFactor != to.VoltageFactor)
        {
            meter.SetVoltageFactor(to.VoltageFactor);
        }

        if (from.CoverOpen != to.CoverOpen)
        {
            meter.SetCoverOpen(to.CoverOpen);
        }

        if (from.SupplyFrequency != to.SupplyFrequency)
        {
            meter.SetSupplyFrequency(to.SupplyFrequency);
        }

        if (from.BypassShare != to.BypassShare)
        {
            meter.SetLoadBypass(to.BypassShare);
        }

        if (from.DriftPpm != to.DriftPpm)
        {
            meter.SetClockDrift(to.DriftPpm);
        }
    }
}
