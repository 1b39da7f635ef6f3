namespace Meterline.Simulator.Theft;

/// <summary>How a consumer steals (or tries to), as the simulator injects it (docs/simulator.md "Theft injection").</summary>
public enum TheftPattern
{
    /// <summary><c>bypass</c>: a share of the load tapped ahead of the meter; the meter registers only the rest, raises no event.</summary>
    Bypass,

    /// <summary><c>magnet</c>: a strong magnet saturating the meter's current sensors (it registers a fraction; events 201/202).</summary>
    Magnet,

    /// <summary><c>neutral</c>: the neutral cut at the meter, the load returning through earth (events 203/204).</summary>
    Neutral,

    /// <summary><c>reversed</c>: line and load swapped at the meter, current flowing backwards through it (export instead of import).</summary>
    Reversed,
}
