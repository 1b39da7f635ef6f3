namespace Meterline.Simulator.Attacks;

/// <summary>
/// The attack transports the simulator knows, one per ingress scheme. A new transport is one line in
/// <see cref="Create"/>.
/// </summary>
public static class AttackTransports
{
    /// <summary>Every transport, each on the given clock.</summary>
    public static IReadOnlyList<IAttackTransport> Create(TimeProvider? time = null) =>
    [
        new TcpWrapperAttack(time),
        new UdpWrapperAttack(time),
        new CoapAttackTransport(),
        new MqttAttackTransport(time),
    ];
}
