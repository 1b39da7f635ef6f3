namespace Meterline.Simulator.Attacks;

/// <summary>Runs attacks against one kind of ingress (the target URI's scheme).</summary>
public interface IAttackTransport
{
    /// <summary>The target scheme this transport attacks: <c>tcp</c>, <c>udp</c>, <c>mqtt</c>, <c>coap</c>.</summary>
    string Scheme { get; }

    /// <summary>Whether this transport can run <paramref name="kind"/> (a slow sender means nothing over UDP).</summary>
    bool Supports(AttackKind kind);

    /// <summary>Runs the attack until its duration ends or it is cancelled; never throws for the target's refusals, only counts them.</summary>
    Task<AttackReport> RunAsync(AttackOptions options, CancellationToken cancellationToken = default);
}
