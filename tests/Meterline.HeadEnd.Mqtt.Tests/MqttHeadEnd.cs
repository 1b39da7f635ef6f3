using System.Net;
using Meterline.Dlms.Profiles;
using Meterline.Dlms.Security;
using Meterline.HeadEnd.Audit;
using Meterline.HeadEnd.Counters;
using Meterline.HeadEnd.Dlms.Commands;
using Meterline.HeadEnd.Dlms.Ingest;
using Meterline.HeadEnd.Ingest;
using Meterline.HeadEnd.Keys;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Mqtt.Broker;
using Meterline.HeadEnd.Mqtt.Credentials;
using Meterline.HeadEnd.Mqtt.Links;
using Meterline.HeadEnd.Provisioning;
using Meterline.HeadEnd.Readings;
using Meterline.HeadEnd.Testing;
using Meterline.Simulator.Fleet;
using Meterline.Simulator.Mqtt;
using Meterline.Simulator.Push;
using Meterline.Storage;

namespace Meterline.HeadEnd.Mqtt.Tests;

/// <summary>
/// A head-end as the node builds one, on a real SQLite database in a temp directory: keys wrapped by a file key provider,
/// the ingest pipeline with the DLMS inspector and decoder, the node's connection gate, MQTT passwords in the key store,
/// and (unless told otherwise) the embedded broker on a free loopback port; plus a simulated fleet whose meters push
/// to it over MQTT with their own credentials.
/// </summary>
internal sealed class MqttHeadEnd : IAsyncDisposable
{
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    public static readonly SystemTitle HeadEndTitle = SystemTitle.Parse("4D4C484553000001");
    public static readonly DateTimeOffset Start = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly CancellationTokenSource _stop = new();
    private readonly CancellationTokenSource _fleetStop = new();
    private readonly List<Task> _running = [];
    private readonly List<Task> _fleetRunning = [];
    private FleetSimulator? _fleet;
    private bool _ownsDirectory = true;
    private bool _crashed;

    private MqttHeadEnd(string directory, IHeadEndStorage storage, FileKeyProvider keys, AuditLog audit, MeterProfile profile, GatedReadingStore<IReadingStore> readings, ConnectionGateOptions? gate, IngressGuardOptions? guard, TimeSpan batchDelay, int usageQueueCapacity)
    {
        Directory = directory;
        Storage = storage;
        KeyProvider = keys;
        Audit = audit;
        Profile = profile;
        Readings = readings;
        Keyring = new MeterKeyring(storage.Keys, keys);
        Decoder = new DlmsPushDecoder(Keyring, [profile]);
        Pipeline = new IngestPipeline(new DlmsSecuredApduInspector(), Decoder, readings, storage.Meters, audit, new IngestPipelineOptions { MaxBatchDelay = batchDelay, Guard = guard ?? new IngressGuardOptions(), UsageQueueCapacity = usageQueueCapacity });
        Gate = new ConnectionGate(Pipeline, gate);
        Credentials = new MqttCredentialStore(storage.Keys, keys, Pipeline.Directory, audit);
        Allocator = new OutgoingCounterAllocator(storage.Counters, audit);
    }

    public string Directory { get; }

    public IHeadEndStorage Storage { get; }

    public FileKeyProvider KeyProvider { get; }

    public AuditLog Audit { get; }

    public MeterProfile Profile { get; }

    public GatedReadingStore<IReadingStore> Readings { get; }

    public MeterKeyring Keyring { get; }

    public DlmsPushDecoder Decoder { get; }

    public IngestPipeline Pipeline { get; }

    public ConnectionGate Gate { get; }

    public MqttCredentialStore Credentials { get; }

    public OutgoingCounterAllocator Allocator { get; }

    public MqttBroker? Broker { get; private set; }

    public FleetSimulator Fleet => _fleet ?? throw new InvalidOperationException("No fleet started.");

    public IPEndPoint BrokerEndpoint => Broker!.Endpoints[0];

    public static string ProfilePath => Path.Combine(AppContext.BaseDirectory, "profiles", "is15959-single-phase.json");

    /// <summary>Opens the head-end and starts its pipeline, and the embedded broker unless <paramref name="broker"/> is false.</summary>
    /// <param name="guard">The ingress guard's limits (fast-running fleets push more often than the default per-meter rate allows).</param>
    /// <param name="directory">The directory of a node that crashed (<see cref="CrashAsync"/>): this node opens its database and keys; that node keeps the directory.</param>
    public static async Task<MqttHeadEnd> StartAsync(bool broker = true, MqttBrokerOptions? options = null, ConnectionGateOptions? gate = null, IngressGuardOptions? guard = null, TimeSpan? batchDelay = null, string? directory = null, int usageQueueCapacity = 20_000)
    {
        var owns = directory is null;
        directory ??= System.IO.Directory.CreateTempSubdirectory("meterline-mqtt-").FullName;
        var storage = await HeadEndStorage.OpenAsync(Path.Combine(directory, "hes.db"));
        var keys = FileKeyProvider.Open(new FileKeyProviderOptions { KeyFile = Path.Combine(directory, "kek.bin"), CreateKeyFile = true });
        var audit = await AuditLog.OpenAsync(storage.Audit, TimeProvider.System);
        var head = new MqttHeadEnd(directory, storage, keys, audit, MeterProfile.Load(ProfilePath), new GatedReadingStore<IReadingStore>(storage.Readings), gate, guard, batchDelay ?? TimeSpan.FromMilliseconds(5), usageQueueCapacity)
        {
            _ownsDirectory = owns,
        };
        head._running.Add(head.Pipeline.RunAsync(head._stop.Token));
        if (broker)
        {
            head.Broker = new MqttBroker(head.Pipeline, head.Gate, head.Credentials, options ?? new MqttBrokerOptions { Endpoints = [new IPEndPoint(IPAddress.Loopback, 0)] });
            await head.Broker.StartAsync();
        }

        return head;
    }

    /// <summary>Starts a fleet pushing to <paramref name="push"/> (the embedded broker when null), and registers its meters (keys and MQTT passwords).</summary>
    /// <param name="radio">When set, the meters push over Zigbee radios behind an emulated coordinator instead (a gateway bridges them).</param>
    public async Task<IReadOnlyList<Meters.Meter>> StartFleetAsync(int meters, double speed = 1, PushDestination? push = null, bool run = true, MqttMeterFleetOptions? mqtt = null, Simulator.Radio.ZigbeeFleetOptions? radio = null)
    {
        _fleet = await FleetSimulator.StartAsync(new FleetSimulatorOptions
        {
            Meters = meters,
            Speed = speed,
            Start = Start,
            ProfilePath = ProfilePath,
            ProvisioningPath = Path.Combine(Directory, "fleet.json"),
            StateDirectory = Path.Combine(Directory, "state"),
            Hosting = new Simulator.Hosting.FleetHostOptions { Port = 0 },
            Push = push ?? new PushDestination(PushTransport.Mqtt, "127.0.0.1", BrokerEndpoint.Port),
            Mqtt = mqtt ?? new MqttMeterFleetOptions(),
            Radio = radio,
        });
        var registered = await RegisterAsync();
        if (run)
        {
            _fleetRunning.Add(_fleet.RunAsync(_fleetStop.Token));
        }

        return registered;
    }

    /// <summary>Imports the fleet's meters (endpoint <c>mqtt://{title}</c>) through the real provisioner, and their MQTT passwords.</summary>
    public async Task<IReadOnlyList<Meters.Meter>> RegisterAsync()
    {
        using var provisioner = new MeterProvisioner(Storage.Meters, Storage.Keys, KeyProvider, Audit);
        var registered = new List<Meters.Meter>();
        foreach (var meter in Fleet.Provisioning.Meters)
        {
            using var keys = new MeterKeySet(meter.Keys.GlobalUnicastEncryptionKey.Span, meter.Keys.AuthenticationKey.Span, meter.Keys.MasterKey.Span, meter.Keys.LlsSecret.Span);
            var title = new MeterSystemTitle(meter.SystemTitle.Value);
            var registration = new MeterRegistration(meter.Id, title, meter.ProfileId, Endpoint: MqttEndpoint.For(title));
            var result = await provisioner.ImportAsync(registration, keys, "test");
            Assert.True(result.Outcome == ProvisioningOutcome.Added, result.Reason);
            await Credentials.ImportAsync(result.Meter!.Value, meter.MqttPassword!);
            registered.Add((await Storage.Meters.GetAsync(result.Meter!.Value))!);
        }

        await Pipeline.LoadAsync();
        return registered;
    }

    /// <summary>The utility-settings connector over <paramref name="openers"/>.</summary>
    public DlmsMeterConnector Connector(params IDlmsLinkOpener[] openers) => new(Keyring, Allocator, new DlmsMeterConnectorOptions
    {
        SystemTitle = HeadEndTitle,
        Profiles = new Dictionary<string, MeterProfile> { [Profile.Id] = Profile },
        RequestTimeout = TimeSpan.FromSeconds(20),
    }, openers);

    /// <summary>Waits (at most <see cref="Bound"/>) for a condition.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + Bound;
        while (DateTime.UtcNow < deadline)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(50);
        }

        Assert.Fail($"Not within {Bound.TotalSeconds} s: {what}");
    }

    public async Task<IReadOnlyList<AuditRecord>> AuditAsync() => await Storage.Audit.GetRecentAsync(null, 1000);

    /// <summary>
    /// Stops the node as a crash would, keeping its directory (database, keys) and its fleet running: the broker's
    /// connections drop first (no PUBACK for anything in hand), then the pipeline stops without releasing a held
    /// writer, so nothing in hand is committed.
    /// </summary>
    public async Task CrashAsync()
    {
        _crashed = true;
        if (Broker is not null)
        {
            await Broker.DisposeAsync();
            Broker = null;
        }

        await StopNodeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _fleetStop.CancelAsync();
        foreach (var running in _fleetRunning)
        {
            await running.WaitAsync(Bound);
        }

        if (!_crashed)
        {
            Readings.Release();
            await StopNodeAsync();
        }

        if (_fleet is not null)
        {
            await _fleet.DisposeAsync();
        }

        if (Broker is not null)
        {
            await Broker.DisposeAsync();
        }

        _stop.Dispose();
        _fleetStop.Dispose();
        if (_ownsDirectory)
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }

    private async Task StopNodeAsync()
    {
        await _stop.CancelAsync();
        foreach (var running in _running)
        {
            try
            {
                await running.WaitAsync(Bound);
            }
            catch (OperationCanceledException)
            {
                // Stopped mid-commit (the batch writer's store call saw the stop): the way out, not a failure.
            }
        }

        if (Broker is not null)
        {
            await Broker.StopAsync();
        }

        Pipeline.Dispose();
        Decoder.Dispose();
        KeyProvider.Dispose();
        Audit.Dispose();
        await Storage.DisposeAsync();
    }
}
