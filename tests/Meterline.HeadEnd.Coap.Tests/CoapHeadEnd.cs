using System.Net;
using Meterline.Coap.Endpoints;
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
using Meterline.Simulator.Push;

namespace Meterline.HeadEnd.Coap.Tests;

/// <summary>
/// A head-end as the server builds one — meters imported from the simulator's provisioning through the real
/// provisioner (keys wrapped by a file key provider) into in-memory stores, the ingest pipeline with the DLMS
/// inspector and decoder — with a CoAP ingress on 127.0.0.1 in front of it, and a simulated fleet that pushes to it
/// over CoAP (or keeps its pushes when <c>push</c> is false).
/// </summary>
internal sealed class CoapHeadEnd : IAsyncDisposable
{
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    public static readonly SystemTitle HeadEndTitle = SystemTitle.Parse("4D4C484553000001");

    private readonly CancellationTokenSource _stop = new();
    private readonly string _directory;
    private readonly FileKeyProvider _keyProvider;
    private Task? _fleet;
    private Task? _pipeline;
    private Task? _ingress;

    private CoapHeadEnd(string directory, MeterProfile profile, FileKeyProvider keyProvider, AuditLog audit, IngestPipelineOptions ingest, CoapIngressOptions coap)
    {
        _directory = directory;
        Profile = profile;
        _keyProvider = keyProvider;
        Audit = audit;
        Keyring = new MeterKeyring(KeyStore, keyProvider);
        Allocator = new OutgoingCounterAllocator(Counters, audit);
        Decoder = new DlmsPushDecoder(Keyring, [profile]);
        Pipeline = new IngestPipeline(new DlmsSecuredApduInspector(), Decoder, Readings, Repository, audit, ingest);
        Ingress = CoapIngress.Bind(new IPEndPoint(IPAddress.Loopback, 0), Pipeline, coap);
    }

    public FleetSimulator Simulator { get; private set; } = null!;

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

    public CoapIngress Ingress { get; }

    public static async Task<CoapHeadEnd> StartAsync(int meters, double speed, DateTimeOffset start, bool push = true, IngestPipelineOptions? ingest = null, CoapIngressOptions? coap = null)
    {
        var directory = Directory.CreateTempSubdirectory("meterline-hes-coap-").FullName;
        var profilePath = Path.Combine(AppContext.BaseDirectory, "profiles", "is15959-single-phase.json");
        var keys = FileKeyProvider.Open(new FileKeyProviderOptions { KeyFile = Path.Combine(directory, "kek.bin"), CreateKeyFile = true });
        var audit = await AuditLog.OpenAsync(new InMemoryAuditStore(), TimeProvider.System);
        var headEnd = new CoapHeadEnd(directory, MeterProfile.Load(profilePath), keys, audit,
            ingest ?? new IngestPipelineOptions { MaxBatchDelay = TimeSpan.FromMilliseconds(5) }, coap ?? new CoapIngressOptions());
        headEnd.Simulator = await FleetSimulator.StartAsync(new FleetSimulatorOptions
        {
            Meters = meters,
            Speed = speed,
            Start = start,
            ProfilePath = profilePath,
            ProvisioningPath = Path.Combine(directory, "fleet.json"),
            StateDirectory = Path.Combine(directory, "state"),
            Hosting = new Simulator.Hosting.FleetHostOptions { Port = 0 },
            Push = push ? new PushDestination(PushTransport.Coap, "127.0.0.1", headEnd.Ingress.LocalEndPoint.Port) : null,
        });
        return headEnd;
    }

    /// <summary>Imports every provisioned meter with the endpoint given for it, and loads the pipeline's directory.</summary>
    public async Task<IReadOnlyList<Meters.Meter>> RegisterAsync(Func<ProvisionedMeter, string?> endpoint)
    {
        using var provisioner = new MeterProvisioner(Repository, KeyStore, _keyProvider, Audit);
        var registered = new List<Meters.Meter>();
        foreach (var meter in Simulator.Provisioning.Meters)
        {
            using var keys = new MeterKeySet(meter.Keys.GlobalUnicastEncryptionKey.Span, meter.Keys.AuthenticationKey.Span, meter.Keys.MasterKey.Span, meter.Keys.LlsSecret.Span);
            var uri = endpoint(meter);
            var registration = new MeterRegistration(meter.Id, new MeterSystemTitle(meter.SystemTitle.Value), meter.ProfileId, Endpoint: uri is null ? null : new MeterEndpoint(uri));
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

    public void RunPipeline() => _pipeline = Pipeline.RunAsync(_stop.Token);

    public void RunIngress() => _ingress = Ingress.RunAsync(_stop.Token);

    public void RunFleet() => _fleet = Simulator.RunAsync(_stop.Token);

    /// <summary>A CoAP client endpoint on 127.0.0.1, disposed with the head-end.</summary>
    public async Task<(CoapEndpoint Endpoint, Func<Task> Stop)> ClientAsync(CoapEndpointOptions? options = null)
    {
        var endpoint = CoapEndpoint.Bind(new IPEndPoint(IPAddress.Loopback, 0), null, options);
        var stop = new CancellationTokenSource();
        var loop = endpoint.RunAsync(stop.Token);
        await Task.Yield();
        return (endpoint, async () =>
        {
            await stop.CancelAsync();
            await loop.WaitAsync(Bound);
            await endpoint.DisposeAsync();
            stop.Dispose();
        });
    }

    public static async Task UntilAsync(Func<Task<bool>> condition, string what, Func<Task<string>>? diagnose = null)
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

        Assert.Fail($"Not within {Bound.TotalSeconds} s: {what}{(diagnose is null ? "" : " — " + await diagnose())}");
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        foreach (var running in new[] { _fleet, _ingress, _pipeline })
        {
            if (running is not null)
            {
                await running.WaitAsync(Bound);
            }
        }

        await Simulator.DisposeAsync();
        await Ingress.DisposeAsync();
        Pipeline.Dispose();
        Decoder.Dispose();
        _keyProvider.Dispose();
        _stop.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
