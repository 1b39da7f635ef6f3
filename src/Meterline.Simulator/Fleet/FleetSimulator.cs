using Meterline.Dlms.Profiles;
using Meterline.Meter;
using Meterline.Meter.Metrology;
using Meterline.Meter.Push;
using Meterline.Meter.Security;
using Meterline.Meter.State;
using Meterline.Simulator.Hosting;
using Meterline.Simulator.Provisioning;
using Meterline.Simulator.Mqtt;
using Meterline.Simulator.Push;
using Meterline.Simulator.Radio;
using Meterline.Simulator.Scenarios;
using Meterline.Simulator.Time;

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
    private readonly IAsyncDisposable? _sink;

    private FleetSimulator(
        ZigbeeFleetRadio? radio,
        FleetProvisioning provisioning,
        AcceleratedTimeProvider time,
        IReadOnlyList<SimulatedMeter> meters,
        FleetHost host,
        IAsyncDisposable? sink,
        FleetRunner runner,
        string provisioningPath)
    {
        Radio = radio;
        Provisioning = provisioning;
        Time = time;
        Meters = meters;
        _host = host;
        _sink = sink;
        Runner = runner;
        ProvisioningPath = provisioningPath;
    }

    public FleetProvisioning Provisioning { get; }

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
        var layout = new FleetLayout
        {
            Meters = options.Meters,
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
        foreach (var scenario in options.Scenarios)
        {
            if (ScenarioParser.CheckFleet(scenario, options.Meters) is { } error)
            {
                throw new ArgumentException(error, nameof(options));
            }
        }

        var time = new AcceleratedTimeProvider(options.Start, options.Speed);
        var store = new FileMeterStateStore(options.StateDirectory, options.FlushStateToDisk);
        var meters = provisioning.Meters.Select((p, i) => new SimulatedMeter(CreateMeter(p, profile, options.Seed, store, time), i)).ToArray();
        provisioning = new FleetProvisioning(provisioning.Meters.Select((p, i) => p with { Keys = p.Keys with { HesPublicKey = TrustAnchorOf(meters[i].Meter, options.HesPublicKey) } }).ToArray());
        var host = new FleetHost(meters, options.Hosting);
        IAsyncDisposable? sink = null;
        ZigbeeFleetRadio? radio = null;
        try
        {
            host.Start();
            if (options.Hosting.Port == 0)
            {
                // Free ports were picked: record the ones bound.
                provisioning = new FleetProvisioning(provisioning.Meters.Select((m, i) => m with { Port = host.EndpointOf(i).Port }).ToArray());
            }

            var firstRadio = options.Radio is null ? meters.Length : meters.Length - Math.Clamp(options.Radio.Meters ?? meters.Length, 0, meters.Length);
            provisioning = new FleetProvisioning(provisioning.Meters
                .Select((m, i) => m with { ZigbeeAddress = i >= firstRadio ? FleetAddressing.ZigbeeAddressOf(i) : null }).ToArray());
            FleetProvisioningFile.Write(provisioningPath, provisioning);
            if (options.Radio is not null)
            {
                // The radio runs on real time: air time, retries and reassembly time-outs are physics, not the
                // meters' accelerated clocks.
                radio = ZigbeeFleetRadio.Start(
                    meters.Skip(firstRadio).Select((m, i) => ((IHostedMeter)m, FleetAddressing.ZigbeeAddressOf(firstRadio + i))), options.Radio);
            }

            PushPump? pump = null;
            IPushSink? networkSink = null;
            if (options.Push is { } destination)
            {
                networkSink = destination.Transport switch
                {
                    PushTransport.Tcp => new TcpWrapperPushSink(destination.Host, destination.Port, options.TcpPush),
                    PushTransport.Coap => await Coap.CoapPushSink.OpenAsync(destination.Host, destination.Port, cancellationToken: cancellationToken).ConfigureAwait(false),
                    PushTransport.Mqtt => new MqttMeterFleet(destination.Host, destination.Port,
                        [.. provisioning.Meters.Select((p, i) => (p, (IHostedMeter)meters[i]))], options.Mqtt),
                    _ => await UdpWrapperPushSink.OpenAsync(destination.Host, destination.Port, cancellationToken: cancellationToken).ConfigureAwait(false),
                };
                sink = (IAsyncDisposable)networkSink;
            }

            if (radio is not null || networkSink is not null)
            {
                // Over MQTT each push waits for its PUBACK (the head-end's commit): more meters in flight at once.
                pump = new PushPump(meters, radio is null ? networkSink! : new RoutingPushSink(radio, networkSink), maxConcurrency: options.Push?.Transport == PushTransport.Mqtt ? 128 : 16);
            }

            var runner = new FleetRunner(meters, time, new ScenarioSchedule(options.Scenarios, options.Start), pump, host.Statistics, options.Runner);
            return new FleetSimulator(radio, provisioning, time, meters, host, sink, runner, provisioningPath);
        }
        catch
        {
            await host.DisposeAsync().ConfigureAwait(false);
            if (sink is not null)
            {
                await sink.DisposeAsync().ConfigureAwait(false);
            }

            if (radio is not null)
            {
                await radio.DisposeAsync().ConfigureAwait(false);
            }

            throw;
        }
    }

    /// <summary>Serves and runs the fleet until cancelled; every meter is saved before it returns.</summary>
    public Task RunAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(_host.RunAsync(cancellationToken), Runner.RunAsync(cancellationToken), Mqtt?.RunAsync(cancellationToken) ?? Task.CompletedTask);

    /// <summary>The meters' MQTT clients, when pushes go to an MQTT broker.</summary>
    public MqttMeterFleet? Mqtt => _sink as MqttMeterFleet;

    public FleetStatistics Snapshot() => Runner.Snapshot();

    /// <summary>A meter of the shipped kind from its provisioning.</summary>
    public static SmartMeter CreateMeter(ProvisionedMeter provisioned, MeterProfile profile, int gridSeed, IMeterStateStore store, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(provisioned);
        return new SmartMeter(new SmartMeterOptions
        {
            Profile = profile,
            Identity = new MeterIdentity { Serial = provisioned.Id, SystemTitle = provisioned.SystemTitle, PhysicalAddress = provisioned.PhysicalAddress },
            InitialKeys = provisioned.Keys,
            Household = HouseholdProfile.Typical(provisioned.HouseholdSeed),
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
        if (_sink is not null)
        {
            await _sink.DisposeAsync().ConfigureAwait(false);
        }

        if (Radio is not null)
        {
            await Radio.DisposeAsync().ConfigureAwait(false);
        }
    }
}
