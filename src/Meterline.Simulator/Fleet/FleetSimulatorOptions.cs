using System.Net;
using Meterline.Simulator.Hosting;
using Meterline.Simulator.Push;
using Meterline.Simulator.Scenarios;

namespace Meterline.Simulator.Fleet;

/// <summary>Everything a <see cref="FleetSimulator"/> is built from (what <c>meterline sim</c> parses).</summary>
public sealed record FleetSimulatorOptions
{
    public required int Meters { get; init; }

    /// <summary>Simulated seconds per real second, 1 to 100,000.</summary>
    public double Speed { get; init; } = 1;

    /// <summary>The simulated instant the fleet starts at.</summary>
    public required DateTimeOffset Start { get; init; }

    /// <summary>The meter profile file (e.g. profiles/is15959-single-phase.json).</summary>
    public required string ProfilePath { get; init; }

    /// <summary>The provisioning file: read when it exists (its keys are kept), then written.</summary>
    public required string ProvisioningPath { get; init; }

    /// <summary>Where each meter's non-volatile state is kept.</summary>
    public required string StateDirectory { get; init; }

    /// <summary>The host written to the provisioning file as the meters' address.</summary>
    public string AdvertisedHost { get; init; } = "127.0.0.1";

    /// <summary>Where the meters listen (their hosting: port, framing, port per meter, limits).</summary>
    public FleetHostOptions Hosting { get; init; } = new();

    /// <summary>Where pushes go; null: nowhere (they stay queued in the meters, bounded).</summary>
    public PushDestination? Push { get; init; }

    /// <summary>
    /// Meters that push elsewhere, share by share (each destination's transport at most once, and not
    /// <see cref="Push"/>'s): the first meters push to <see cref="Push"/>, then each share's, then the Zigbee ones.
    /// </summary>
    public IReadOnlyList<FleetTransportShare> Shares { get; init; } = [];

    /// <summary>Where the fleet's CoAP server listens when meters are on CoAP (its port written to their endpoints); port 0 picks a free one.</summary>
    public int CoapPort { get; init; }

    public IReadOnlyList<Scenario> Scenarios { get; init; } = [];

    /// <summary>
    /// The head-end's public key (0x04 ‖ X ‖ Y, 65 bytes; <see cref="Provisioning.HesPublicKeyPem"/> reads it from a
    /// PEM file), or empty. When set, new meters are provisioned with it and meters that trust no head-end key yet have
    /// it installed on site at the start; such meters then demand signed commands. A meter that trusts another key
    /// keeps it (only its utility association replaces it); the provisioning file records each meter's actual key.
    /// </summary>
    public ReadOnlyMemory<byte> HesPublicKey { get; init; }

    /// <summary>Seeds the households (per meter) and the grid (shared: the meters are on one feeder).</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Flush each state write to the disk (survives a power cut; slower). Off: survives a process crash.</summary>
    public bool FlushStateToDisk { get; init; }

    public FleetRunnerOptions Runner { get; init; } = new();

    /// <summary>Settings of the TCP push sink (back-off, wPorts).</summary>
    public TcpWrapperPushSinkOptions TcpPush { get; init; } = new();

    /// <summary>How meters use the broker when <see cref="Push"/> is <c>mqtt://</c>.</summary>
    public Mqtt.MqttMeterFleetOptions Mqtt { get; init; } = new();

    /// <summary>When set, meters (all, or the last <see cref="Radio.ZigbeeFleetOptions.Meters"/>) also have Zigbee radios behind an emulated coordinator on a pseudo-terminal, and push over them.</summary>
    public Radio.ZigbeeFleetOptions? Radio { get; init; }

    /// <summary>
    /// When set, the <see cref="Meters"/> meters are consumers grouped under distribution transformers and feeders
    /// (<see cref="Topology.FleetTopology"/>, drawn from <see cref="Seed"/>), and each transformer gets a meter of its
    /// total after them, measuring its consumers' true demand plus technical loss; the provisioning file gives every
    /// meter its place.
    /// </summary>
    public Topology.TopologyOptions? Topology { get; init; }

    /// <summary>When set, a share of the consumer meters steal (<see cref="Theft.TheftPlan"/>, drawn from <see cref="TheftSeed"/>); needs <see cref="RunLength"/>.</summary>
    public Theft.TheftOptions? Thefts { get; init; }

    /// <summary>Seeds the choice of thieves, their patterns and times (apart from the households' <see cref="Seed"/>).</summary>
    public int TheftSeed { get; init; } = 1;

    /// <summary>How long the run will last (simulated): where the thefts' times are drawn.</summary>
    public TimeSpan? RunLength { get; init; }

    /// <summary>Where the thefts' ground truth is written (a file of its own: never in the provisioning file).</summary>
    public string? TruthPath { get; init; }
}
