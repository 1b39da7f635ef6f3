namespace Meterline.Simulator.Attacks;

/// <summary>What an attacking source does to a head-end's ingress (see docs/simulator.md, "Attack modes").</summary>
public enum AttackKind
{
    /// <summary>One source sends well-formed traffic at a multiple of its quota (<see cref="AttackOptions.Rate"/>).</summary>
    Flood = 0,

    /// <summary>Opens <see cref="AttackOptions.Connections"/> connections and sends nothing on them.</summary>
    IdleConnections = 1,

    /// <summary>Opens connections and sends a frame's bytes a few at a time, never finishing in time.</summary>
    SlowSender = 2,

    /// <summary>Sends headers announcing far more than the transport accepts (wrapper length, MQTT remaining length, CoAP blocks).</summary>
    OversizeAnnouncement = 3,

    /// <summary>Sends random bytes.</summary>
    Garbage = 4,

    /// <summary>Re-sends a real meter's frames that were already accepted (captured pushes).</summary>
    Replay = 5,
}
