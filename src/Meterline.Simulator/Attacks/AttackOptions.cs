using Meterline.Simulator.Provisioning;

namespace Meterline.Simulator.Attacks;

/// <summary>One attack's parameters. Every attack is bounded by <see cref="Duration"/> and by its counts.</summary>
public sealed record AttackOptions
{
    public required AttackKind Kind { get; init; }

    /// <summary>The head-end ingress to attack, e.g. <c>tcp://127.0.0.1:4059</c>, <c>mqtt://127.0.0.1:1883</c>, <c>coap://127.0.0.1:5683</c>.</summary>
    public required Uri Target { get; init; }

    /// <summary>How long the attack runs at most.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Connections to hold (idle, slow) or to send over (flood).</summary>
    public int Connections { get; init; } = 1;

    /// <summary>Frames per second to send (flood, garbage, replay); 0 sends as fast as the transport takes them.</summary>
    public double Rate { get; init; } = 1_000;

    /// <summary>Local addresses to connect from (e.g. many 127.0.0.x to get past a per-address cap); empty lets the OS choose.</summary>
    public IReadOnlyList<System.Net.IPAddress> SourceAddresses { get; init; } = [];

    /// <summary>A provisioned meter whose identity (system title, credentials) a flood or replay uses; null for anonymous attacks.</summary>
    public ProvisionedMeter? Meter { get; init; }

    /// <summary>Frames (complete secured APDUs) to replay or to flood with; a flood without them sends frames a meter could have sent.</summary>
    public IReadOnlyList<ReadOnlyMemory<byte>> Frames { get; init; } = [];

    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Target);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(Duration, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Duration, TimeSpan.FromHours(1));
        ArgumentOutOfRangeException.ThrowIfLessThan(Connections, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Connections, 100_000);
        ArgumentOutOfRangeException.ThrowIfNegative(Rate);
    }
}
