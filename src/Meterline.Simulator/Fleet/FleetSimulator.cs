using Meterline.Dlms.Profiles;
using Meterline.Meter;
using Meterline.Meter.Metrology;
using Meterline.Meter.Push;
using Meterline.Meter.Security;
using Meterline.Meter.State;
using Meterline.Simulator.Coap;
using Meterline.Simulator.Hosting;
using Meterline.Simulator.Provisioning;
using Meterline.Simulator.Mqtt;
using Meterline.Simulator.Push;
using Meterline.Simulator.Radio;
using Meterline.Simulator.Scenarios;
using Meterline.Simulator.Theft;
using Meterline.Simulator.Time;
using Meterline.Simulator.Topology;

namespace Meterline.Simulator.Fleet;

/// <summary>
/// A whole simulated fleet, put together: provisioning (kept across restarts), one <see cref="SmartMeter"/> per
/// provisioned meter on an <see cref="AcceleratedTimeProvider"/> with its state in the state directory, the
/// <see cref="FleetHost"/> serving them, the push sink and pump, the scenario schedule and the
/// <see cref="FleetRunner"/>. <see cref="StartAsync"/> binds the ports and writes the provisioning file (with the
/// ports actually bound); <see cref="RunAsync"/> runs until cancelled and saves every meter at the end.
/// </summary>
public sealed class FleetSimulator : IAsyncDisposable
{
    private readonly FleetHost _host;
    private readonly IReadOnlyList<IAsyncDisposable> _sinks;

    private FleetSimulator(
        ZigbeeFleetRadio? radio,
        FleetProvisioning provisioning,
        AcceleratedTimeProvider time,
        IReadOnlyList<SimulatedMeter> meters,
        FleetHost host,
        IReadOnlyList<IAsyncDisposable> sinks,
        CoapFleetServer? coap,
        FleetRunner runner,
        string provisioningPath)
    {
        Radio = radio;
        Provisioning = provisioning;
        Time = time;
        Meters = meters;
        _host = host;
        _sinks = sinks;
        Coap = coap;
        Runner = runner;
        ProvisioningPath = provisioningPath;
    }

    public FleetProvisioning Provisioning { get; }

    /// <summary>The distribution network, when the fleet has one (<see cref="FleetSimulatorOptions.Topology"/>).</summary>
    public FleetTopology? Topology { get; private init; }

    /// <summary>The injected thefts, when there are (<see cref="FleetSimulatorOptions.Thefts"/>).</summary>
    public TheftPlan? Thefts { get; private init; }

    /// <summary>The emulated coordinator and the meters' radios, when some meters are reached over Zigbee.</summary>
    public ZigbeeFleetRadio? Radio { get; }

    public AcceleratedTimeProvider Time { get; }

    public IReadOnlyList<SimulatedMeter> Meters { get; }

    public FleetRunner Runner { get; }

    public FleetHostStatistics HostStatistics => _host.Statistics;

    /// <summary>The full path of the provisioning file written.</summary>
    public string ProvisioningPath { get; }

    /// <summary>Where the meters listen: one shared endpoint, or one per meter.</summary>
    public IReadOnlyList<System.Net.IPEndPoint> Endpoints => _host.Endpoints;

    /// <summary>Builds the fleet, binds its ports and writes the provisioning file.</summary>
    /// <exception cref="InvalidDataException">The profile, the provisioning file or a meter's state is unreadable.</exception>
    /// <exception cref="System.Net.Sockets.SocketException">A port cannot be bound.</exception>
    public static async Task<FleetSimulator> StartAsync(FleetSimulatorOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var profile = MeterProfile.Load(options.ProfilePath);
        var topology = options.Topology is { } grid ? FleetTopology.Create(options.Meters, options.Seed, grid) : null;
        var layout = new FleetLayout
        {
            Meters = topology?.MeterCount ?? options.Meters,
            ProfileId = profile.Id,
            Host = options.AdvertisedHost,
            Port = options.Hosting.Port == 0 ? 1 : options.Hosting.Port,
            PortPerMeter = options.Hosting.PortPerMeter,
            Seed = options.Seed,
        };
        var provisioningPath = Path.GetFullPath(options.ProvisioningPath);
        if (!options.HesPublicKey.IsEmpty && !MeterKeyStore.IsValidHesPublicKey(options.HesPublicKey.Span))
        {
            throw new ArgumentException("The head-end public key must be an uncompressed P-256 point (65 bytes)", nameof(options));
        }

        var provisioning = FleetProvisioning.Create(layout, FleetProvisioningFile.ReadIfExists(provisioningPath), options.HesPublicKey);
        if (topology is not null)
        {
            provisioning = new FleetProvisioning([.. provisioning.Meters.Select((m, i) => m with { Site = SiteOf(topology, i) })]);
        }

        var thefts = PlanThefts(options, provisioning);
        var scenarios = thefts is null ? options.Scenarios : [.. options.Scenarios, .. thefts.ToScenarios()];
        foreach (var scenario in scenarios)
        {
            if (ScenarioParser.CheckFleet(scenario, options.Meters) is { } error)
            {
                throw new ArgumentException(error, nameof(options));
            }
        }

        var time = new AcceleratedTimeProvider(options.Start, options.Speed);
        var store = new FileMeterStateStore(options.StateDirectory, options.FlushStateToDisk);
        var meters = provisioning.Meters.Select((p, i) => new SimulatedMeter(
            CreateMeter(p, profile, options.Seed, store, time, LoadOf(topology, provisioning, i, options.Topology)), i)).ToArray();
        provisioning = new FleetProvisioning(provisioning.Meters.Select((p, i) => p with { Keys = p.Keys with { HesPublicKey = TrustAnchorOf(meters[i].Meter, options.HesPublicKey) } }).ToArray());
        // With a topology the transport split is over the consumer meters only: the radio takes the last consumers,
        // and the transformers' meters (after the consumers) stay on the default push transport (DLMS/TCP in the demo).
        var consumers = topology?.Consumers.Count ?? meters.Length;
        var radioMeters = options.Radio is null ? 0 : Math.Clamp(options.Radio.Meters ?? consumers, 0, consumers);
        var groups = GroupsOf(options, consumers - radioMeters);
        if (consumers < meters.Length)
        {
            if (radioMeters == 0 && groups.Skip(1).All(g => g.Count == 0))
            {
                groups[0] = (options.Push, 0, meters.Length);
            }
            else
            {
                groups.Add((options.Push, consumers, meters.Length - consumers));
            }
        }

        var host = new FleetHost(meters, options.Hosting);
        var sinks = new List<IAsyncDisposable>();
        ZigbeeFleetRadio? radio = null;
        CoapFleetServer? coap = null;
        try
        {
            host.Start();
            if (options.Hosting.Port == 0)
            {
                // Free ports were picked: record the ones bound.
                provisioning = new FleetProvisioning(provisioning.Meters.Select((m, i) => m with { Port = host.EndpointOf(i).Port }).ToArray());
            }

            var onCoap = groups.Where(g => g.Destination?.Transport == PushTransport.Coap).SelectMany(g => meters.Skip(g.First).Take(g.Count)).ToList();
            if (onCoap.Count > 0)
            {
                coap = new CoapFleetServer(onCoap, new CoapFleetServerOptions { Listen = new System.Net.IPEndPoint(options.Hosting.ListenAddress, options.CoapPort) });
            }

            var firstRadio = consumers - radioMeters;
            provisioning = new FleetProvisioning(provisioning.Meters
                .Select((m, i) => m with
                {
                    ZigbeeAddress = i >= firstRadio && i < consumers ? FleetAddressing.ZigbeeAddressOf(i) : null,
                    Endpoint = EndpointOf(m, TransportOf(groups, i), options.AdvertisedHost, coap),
                }).ToArray());
            FleetProvisioningFile.Write(provisioningPath, provisioning);
            if (options.Radio is not null)
            {
                // The radio runs on real time: air time, retries and reassembly time-outs are physics, not the
                // meters' accelerated clocks.
                radio = ZigbeeFleetRadio.Start(
                    meters.Skip(firstRadio).Take(radioMeters).Select((m, i) => ((IHostedMeter)m, FleetAddressing.ZigbeeAddressOf(firstRadio + i))), options.Radio);
            }

            var routes = new Dictionary<string, IPushSink>(StringComparer.Ordinal);
            foreach (var (destination, first, count) in groups)
            {
                if (destination is null || count == 0)
                {
                    continue;
                }

                IPushSink sink = destination.Transport switch
                {
                    PushTransport.Tcp => new TcpWrapperPushSink(destination.Host, destination.Port, options.TcpPush),
                    PushTransport.Coap => await CoapPushSink.OpenAsync(destination.Host, destination.Port, cancellationToken: cancellationToken).ConfigureAwait(false),
                    PushTransport.Mqtt => new MqttMeterFleet(destination.Host, destination.Port,
                        [.. Enumerable.Range(first, count).Select(i => (provisioning.Meters[i], (IHostedMeter)meters[i]))], options.Mqtt),
                    _ => await UdpWrapperPushSink.OpenAsync(destination.Host, destination.Port, cancellationToken: cancellationToken).ConfigureAwait(false),
                };
                sinks.Add((IAsyncDisposable)sink);
                for (var i = first; i < first + count; i++)
                {
                    routes[meters[i].Id] = sink;
                }
            }

            PushPump? pump = null;
            if (radio is not null || routes.Count > 0)
            {
                IPushSink network = new FleetPushRouter(routes);
                // Over MQTT each push waits for its PUBACK (the head-end's commit): more meters in flight at once.
                pump = new PushPump(meters, radio is null ? network : new RoutingPushSink(radio, network),
                    maxConcurrency: sinks.Any(s => s is MqttMeterFleet) ? 128 : 16);
            }

            var runner = new FleetRunner(meters, time, new ScenarioSchedule(scenarios, options.Start), pump, host.Statistics, options.Runner);
            return new FleetSimulator(radio, provisioning, time, meters, host, sinks, coap, runner, provisioningPath) { Topology = topology, Thefts = thefts };
        }
        catch
        {
            await host.DisposeAsync().ConfigureAwait(false);
            foreach (var sink in sinks)
            {
                await sink.DisposeAsync().ConfigureAwait(false);
            }

            if (coap is not null)
            {
                await coap.DisposeAsync().ConfigureAwait(false);
            }

            if (radio is not null)
            {
                await radio.DisposeAsync().ConfigureAwait(false);
            }

            throw;
        }
    }

    /// <summary>The meters on each destination: the first ones on <see cref="FleetSimulatorOptions.Push"/>, then each share's, up to <paramref name="networked"/> (the rest are on Zigbee).</summary>
    private static List<(PushDestination? Destination, int First, int Count)> GroupsOf(FleetSimulatorOptions options, int networked)
    {
        var shared = 0;
        var transports = new HashSet<PushTransport>();
        if (options.Push is { } push)
        {
            transports.Add(push.Transport);
        }

        foreach (var share in options.Shares)
        {
            ArgumentNullException.ThrowIfNull(share);
            if (share.Meters < 0 || !transports.Add(share.Destination.Transport))
            {
                throw new ArgumentException($"Share {share.Destination}: a share has 0 or more meters, and each transport one destination.", nameof(options));
            }

            shared += share.Meters;
        }

        if (shared > networked)
        {
            throw new ArgumentException($"The shares take {shared} meters; only {networked} are not on Zigbee.", nameof(options));
        }

        var groups = new List<(PushDestination?, int, int)> { (options.Push, 0, networked - shared) };
        var first = networked - shared;
        foreach (var share in options.Shares)
        {
            groups.Add((share.Destination, first, share.Meters));
            first += share.Meters;
        }

        return groups;
    }

    private static PushTransport? TransportOf(List<(PushDestination? Destination, int First, int Count)> groups, int index) =>
        groups.FirstOrDefault(g => index >= g.First && index < g.First + g.Count).Destination?.Transport;

    /// <summary>A meter's endpoint by the transport it pushes over: MQTT and CoAP meters are reached that way too; the others over DLMS/TCP (or Zigbee).</summary>
    private static string? EndpointOf(ProvisionedMeter meter, PushTransport? transport, string advertisedHost, CoapFleetServer? coap) => transport switch
    {
        PushTransport.Mqtt => MeterEndpoints.Mqtt(meter.SystemTitle),
        PushTransport.Coap when coap is not null => MeterEndpoints.Coap(advertisedHost, coap.LocalEndPoint.Port, meter.Id),
        _ => null,
    };

    /// <summary>Serves and runs the fleet until cancelled; every meter is saved before it returns.</summary>
    public Task RunAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(_host.RunAsync(cancellationToken), Runner.RunAsync(cancellationToken), Mqtt?.RunAsync(cancellationToken) ?? Task.CompletedTask);

    /// <summary>The MQTT meters' clients, when some meters push to an MQTT broker.</summary>
    public MqttMeterFleet? Mqtt => _sinks.OfType<MqttMeterFleet>().FirstOrDefault();

    /// <summary>The CoAP server of the meters on CoAP, when there are some.</summary>
    public CoapFleetServer? Coap { get; }
    public FleetStatistics Snapshot() => Runner.Snapshot();

    /// <summary>The place of meter <paramref name="index"/> in the topology: a consumer's, or the transformer's whose total it measures.</summary>
    private static MeterSite SiteOf(FleetTopology topology, int index)
    {
        if (topology.TransformerMeasuredBy(index) is { } transformer)
        {
            return new MeterSite(null, null, transformer.FeederId, transformer.Latitude, transformer.Longitude, transformer.Id);
        }

        var consumer = topology.Consumers[index];
        return new MeterSite(consumer.ConsumerId, consumer.TransformerId, consumer.FeederId, consumer.Latitude, consumer.Longitude);
    }

    /// <summary>The thefts of the run (consumer meters only), written to the truth file when one is named.</summary>
    private static TheftPlan? PlanThefts(FleetSimulatorOptions options, FleetProvisioning provisioning)
    {
        if (options.Thefts is not { } thefts)
        {
            return null;
        }

        var length = options.RunLength ?? throw new ArgumentException("Thefts need the run's length (RunLength).", nameof(options));
        var candidates = provisioning.Meters.Take(options.Meters).Select((m, i) => (i, m.Id)).ToArray();
        var plan = TheftPlan.Create(candidates, options.TheftSeed, options.Start, length, thefts);
        if (options.TruthPath is { } path)
        {
            TheftTruthFile.Write(path, new TheftTruth(options.Start, options.Start + length, options.Seed, options.TheftSeed, options.Meters, plan.Cases));
        }

        return plan;
    }

    /// <summary>A transformer meter's load (its consumers' households and the loss); null for a consumer meter (its own household).</summary>
    private static TransformerLoad? LoadOf(FleetTopology? topology, FleetProvisioning provisioning, int index, TopologyOptions? options) =>
        topology?.TransformerMeasuredBy(index) is { } transformer
            ? new TransformerLoad(
                provisioning.Meters.Skip(transformer.FirstConsumer).Take(transformer.ConsumerCount).Select(m => HouseholdProfile.Typical(m.HouseholdSeed)),
                options!.TechnicalLoss, options.TechnicalLossNoise, provisioning.Meters[index].HouseholdSeed)
            : null;

    /// <summary>A meter of the shipped kind from its provisioning; <paramref name="load"/>, when given, is what it measures instead of its household.</summary>
    public static SmartMeter CreateMeter(ProvisionedMeter provisioned, MeterProfile profile, int gridSeed, IMeterStateStore store, TimeProvider time, ILoadSource? load = null)
    {
        ArgumentNullException.ThrowIfNull(provisioned);
        return new SmartMeter(new SmartMeterOptions
        {
            Profile = profile,
            Identity = new MeterIdentity { Serial = provisioned.Id, SystemTitle = provisioned.SystemTitle, PhysicalAddress = provisioned.PhysicalAddress },
            InitialKeys = provisioned.Keys,
            Household = HouseholdProfile.Typical(provisioned.HouseholdSeed),
            LoadSource = load,
            GridSeed = gridSeed,
            StateStore = store,
            TimeProvider = time,
        });
    }

    /// <summary>
    /// The head-end key <paramref name="meter"/> trusts once <paramref name="hesPublicKey"/> (if any) is installed on
    /// site in a meter that trusts none yet; a meter that trusts another key keeps it.
    /// </summary>
    private static byte[] TrustAnchorOf(SmartMeter meter, ReadOnlyMemory<byte> hesPublicKey)
    {
        if (!hesPublicKey.IsEmpty && meter.Keys.HesPublicKey is null)
        {
            meter.InstallHesPublicKey(hesPublicKey.Span);
        }

        return meter.Keys.HesPublicKey?.ToArray() ?? [];
    }

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync().ConfigureAwait(false);
        foreach (var sink in _sinks)
        {
            await sink.DisposeAsync().ConfigureAwait(false);
        }

        if (Coap is not null)
        {
            await Coap.DisposeAsync().ConfigureAwait(false);
        }

        if (Radio is not null)
        {
            await Radio.DisposeAsync().ConfigureAwait(false);
        }
    }
}
