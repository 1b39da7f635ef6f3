namespace Meterline.Simulator.Scenarios;

/// <summary>What a scenario does to its meters while it is active.</summary>
public enum ScenarioKind
{
    /// <summary><c>magnet</c>: a magnet near the meter (IS 15959 event 201/202).</summary>
    Magnet,

    /// <summary><c>neutral</c>: neutral disturbance (event 203/204).</summary>
    Neutral,

    /// <summary><c>reverse</c>: current flowing in reverse (an inverted connection).</summary>
    Reverse,

    /// <summary><c>outage</c>: no supply; the meter goes dark (event 101/102) and answers nothing.</summary>
    Outage,

    /// <summary><c>sag</c>: the supply voltage multiplied by <see cref="Scenario.Factor"/>.</summary>
    Sag,

    /// <summary><c>cover-open</c>: the terminal cover opened (event 251).</summary>
    CoverOpen,

    /// <summary><c>drift</c>: the meter's clock runs <see cref="Scenario.Ppm"/> parts per million fast (or slow).</summary>
    Drift,

    /// <summary><c>frequency</c>: the supply frequency held at <see cref="Scenario.Hertz"/> (a frequency excursion).</summary>
    Frequency,

    /// <summary><c>silent</c>: the meter's communication down: it stays powered and meters on but answers and pushes nothing, with no last gasp.</summary>
    Silent,

    /// <summary><c>bypass</c>: <see cref="Scenario.Factor"/> of the load tapped ahead of the meter (it registers the rest; no event).</summary>
    Bypass,
}
