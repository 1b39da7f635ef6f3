namespace Meterline.HeadEnd.Mqtt.Framing;

/// <summary>The outcome of <see cref="MqttStreamGuard.Inspect"/>.</summary>
/// <param name="Status">Pass, hold the rest, or close.</param>
/// <param name="Passable">How many of the inspected bytes may go on to the parser.</param>
/// <param name="Violation">Why the connection must close (<see cref="MqttGuardStatus.Violation"/> only).</param>
/// <param name="Announced">The whole length the offending packet announced, fixed header included (oversize only).</param>
public readonly record struct MqttGuardResult(MqttGuardStatus Status, int Passable, MqttGuardViolation Violation = MqttGuardViolation.None, long Announced = 0)
{
    public static MqttGuardResult Refuse(MqttGuardViolation violation, long announced = 0) => new(MqttGuardStatus.Violation, 0, violation, announced);
}
