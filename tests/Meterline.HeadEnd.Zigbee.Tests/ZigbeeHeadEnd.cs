using Meterline.Dlms.Profiles;
using Meterline.Dlms.Security;
using Meterline.HeadEnd.Audit;
using Meterline.HeadEnd.Counters;
using Meterline.HeadEnd.Dlms.Commands;
using Meterline.HeadEnd.Dlms.Ingest;
using Meterline.HeadEnd.Ingest;
using Meterline.HeadEnd.Keys;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Provisioning;
using Meterline.HeadEnd.Testing;
using Meterline.Simulator.Fleet;
using Meterline.Simulator.Provisioning;
using Meterline.Simulator.Radio;
using Meterline.Zigbee.Emulator;
using Meterline.Zigbee.Frames;

namespace Meterline.HeadEnd.Zigbee.Tests;

/// <summary>
/// A simulated fleet whose meters have Zigbee radios behind an emulated coordinator on a real pseudo-terminal, and a
/// head-end in front of it as the server would build one: the meters imported from the simulator's provisioning
/// through the real provisioner (keys wrapped by a file key provider) into in-memory stores, the ingest pipeline with
/// the DLMS inspector and decoder, and DLMS connectors over the given link openers with counter blocks from an
/// <see cref="OutgoingCounterAllocator"/>.
/// </summary>
internal sealed class ZigbeeHeadEnd : IAsyncDisposable
{
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    public static readonly SystemTitle HeadEndTitle = SystemTitle.Parse("4D4C484553000001");

    private readonly CancellationTokenSource _stop = new();
    private readonly string _directory;
    private readonly FileKeyProvider _keyProvider;
    private Task? _fleet;
    private Task? _pipeline;

    private ZigbeeHeadEnd(string directory, FleetSimulator fleet, MeterProfile profile, FileKeyProvider keyProvider, AuditLog audit)
    {
        _directory = directory;
        Simulator = fleet;
        Profile = profile;
        _keyProvider = keyProvider;
        Audit = audit;
        Keyring = new MeterKeyring(KeyStore, keyProvider);
        Allocator = new OutgoingCounterAllocator(Counters, audit);
        Decoder = new DlmsPushDecoder(Keyring, [profile]);
        Pipeline = new IngestPipeline(new DlmsSecuredApduInspector(), Decoder, Readings, Repository, audit, new IngestPipelineOptions { MaxBatchDelay = TimeSpan.FromMilliseconds(5) });
    }

    public FleetSimulator Simulator { get; }

    public ZigbeeFleetRadio Radio => Simulator.Radio!;

    /// <summary>The coordinator's serial device (/dev/pts/N).</summary>
    public string DevicePath => Radio.DevicePath;

    public MeterProfile Profile { get; }

    public InMemoryMeterRepository Repository { get; } = new();

    public InMemoryMeterKeyStore KeyStore { get; } = new();

    public InMemoryCounterStore Counters { get; } = new();

    public InMemoryReadingStore Readings { get; } = new();

    public AuditLog Audit { get; }

    public MeterKeyring Keyring { get; }

    public OutgoingCounterAllocator Allocator { get; }

    public DlmsPushDecoder Decoder { get; }

    public IngestPipeline Pipeline { get; }

    public static async Task<ZigbeeHeadEnd> StartAsync(int meters, LinkModel link, double speed, DateTimeOffset start)
    {
        var directory = Directory.CreateTempSubdirectory("meterline-hes-zigbee-").FullName;
        var profilePath = Path.Combine(AppContext.BaseDirectory, "profiles", "is15959-single-phase.json");
        var fleet = await FleetSimulator.StartAsync(new FleetSimulatorOptions
        {
            Meters = meters,
            Speed = speed,
            Start = start,
            ProfilePath = profilePath,
            ProvisioningPath = Path.Combine(directory, "fleet.json"),
            StateDirectory = Path.Combine(directory, "state"),
            Hosting = new Simulator.Hosting.FleetHostOptions { Port = 0 },
            Radio = new ZigbeeFleetOptions { Link = link },
        });
        var keys = FileKeyProvider.Open(new FileKeyProviderOptions { KeyFile = Path.Combine(directory, "kek.bin"), CreateKeyFile = true });
        var audit = await AuditLog.OpenAsync(new InMemoryAuditStore(), TimeProvider.System);
        return new ZigbeeHeadEnd(directory, fleet, MeterProfile.Load(profilePath), keys, audit);
    }

    public static XBeeAddress64 RadioOf(ProvisionedMeter meter) => new(meter.ZigbeeAddress!.Value);

    /// <summary>Imports every provisioned meter with the endpoint given for it, and loads the pipeline's directory.</summary>
    public async Task<IReadOnlyList<Meters.Meter>> RegisterAsync(Func<ProvisionedMeter, ZigbeeEndpoint> endpoint)
    {
        using var provisioner = new MeterProvisioner(Repository, KeyStore, _keyProvider, Audit);
        var registered = new List<Meters.Meter>();
        foreach (var meter in Simulator.Provisioning.Meters)
        {
            using var keys = new MeterKeySet(meter.Keys.GlobalUnicastEncryptionKey.Span, meter.Keys.AuthenticationKey.Span, meter.Keys.MasterKey.Span, meter.Keys.LlsSecret.Span);
            var registration = new MeterRegistration(meter.Id, new MeterSystemTitle(meter.SystemTitle.Value), meter.ProfileId, Endpoint: endpoint(meter).ToMeterEndpoint());
            var result = await provisioner.ImportAsync(registration, keys, "test");
            Assert.True(result.Outcome == ProvisioningOutcome.Added, result.Reason);
            registered.Add((await Repository.GetAsync(result.Meter!.Value))!);
        }

        await Pipeline.LoadAsync();
        return registered;
    }

    /// <summary>The utility-settings connector over <paramref name="openers"/>, counter blocks from the allocator.</summary>
    public DlmsMeterConnector Connector(IEnumerable<IDlmsLinkOpener> openers) => new(Keyring, Allocator, new DlmsMeterConnectorOptions
    {
        SystemTitle = HeadEndTitle,
        Profiles = new Dictionary<string, MeterProfile> { [Profile.Id] = Profile },
        RequestTimeout = TimeSpan.FromSeconds(20),
    }, openers);

    /// <summary>Runs the batch writer of the ingest pipeline until disposed.</summary>
    public void RunPipeline() => _pipeline = Pipeline.RunAsync(_stop.Token);

    /// <summary>Runs the fleet's time and push pump until disposed.</summary>
    public void RunFleet() => _fleet = Simulator.RunAsync(_stop.Token);

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

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        foreach (var running in new[] { _fleet, _pipeline })
        {
            if (running is not null)
            {
                await running.WaitAsync(Bound);
            }
        }

        await Simulator.DisposeAsync();
        Pipeline.Dispose();
        Decoder.Dispose();
        _keyProvider.Dispose();
        _stop.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
