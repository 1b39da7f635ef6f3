using System.Net;
using System.Net.Sockets;
using Meterline.Dlms.Security;
using Meterline.HeadEnd.Access;
using Meterline.HeadEnd.Analytics;
using Meterline.HeadEnd.Analytics.Balance;
using Meterline.HeadEnd.Audit;
using Meterline.HeadEnd.Billing;
using Meterline.HeadEnd.Coap;
using Meterline.HeadEnd.Commands;
using Meterline.HeadEnd.Commands.Approvals;
using Meterline.HeadEnd.Communication;
using Meterline.HeadEnd.Counters;
using Meterline.HeadEnd.DemandControl;
using Meterline.HeadEnd.Dlms.Commands;
using Meterline.HeadEnd.Dlms.Ingest;
using Meterline.HeadEnd.Ingest;
using Meterline.HeadEnd.Keys;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Outages;
using Meterline.HeadEnd.PowerQuality;
using Meterline.HeadEnd.Pkcs11;
using Meterline.HeadEnd.Prepaid;
using Meterline.HeadEnd.Provisioning;
using Meterline.HeadEnd.Readings;
using Meterline.HeadEnd.Scheduling;
using Meterline.HeadEnd.Mqtt.Node;
using Meterline.HeadEnd.Zigbee;
using Meterline.Northbound.Amqp;
using Meterline.Storage;
using Meterline.Zigbee;

namespace Meterline.Server.Hosting;

/// <summary>
/// The composition root of one head-end node: opens the database (migrating it), the key provider and the audit log,
/// and wires the registry, provisioning, keys, counters, the ingest pipeline with its DLMS inspector and decoder, the
/// push receivers, the meter connectors, commands, scheduling and back-fill. It owns all of them; the web host runs
/// its <see cref="Loops"/> as hosted services and disposes it last.
/// </summary>
public sealed class HeadEndNode : IAsyncDisposable
{
    private readonly List<TcpListener> _tcpListeners = [];
    private readonly List<Socket> _udpSockets = [];
    private readonly List<CoapIngress> _coapIngresses = [];
    private readonly List<HeadEndLoop> _loops = [];
    private readonly List<IAsyncDisposable> _disposables = [];
    private readonly IKeyProvider _keyProvider;
    private readonly DlmsPushDecoder _decoder;
    private readonly LateZigbeeLinkOpener _zigbeeOpener = new();
    private int _disposed;

    private HeadEndNode(HeadEndOptions options, IHeadEndStorage storage, IKeyProvider keyProvider, AuditLog audit, ProfileCatalog profiles,
        MeterKeyring keyring, DlmsPushDecoder decoder, IngestPipeline pipeline, LocalZigbeeNetwork? zigbee, AmqpNorthbound? northbound, TariffCatalog tariffs)
    {
        Options = options;
        Storage = storage;
        _keyProvider = keyProvider;
        Audit = audit;
        Profiles = profiles;
        var time = options.TimeProvider;
        SystemTitle = Meterline.Dlms.Security.SystemTitle.Parse(options.SystemTitle);

        Keyring = keyring;
        _decoder = decoder;
        Pipeline = pipeline;
        Meters = new DirectoryUpdatingMeterRepository(storage.Meters, Pipeline.Directory);

        // With northbound publishing, readings and command results carry their messages into the outbox in their own transactions.
        Northbound = northbound;
        // Writes other than the pipeline's (back-fill, on-demand reads) are noticed, so that followers' held windows of their meters are dropped.
        var noticing = new NoticingReadingStore(northbound?.Readings ?? storage.Readings);
        var readings = noticing;
        var commands = northbound?.Commands ?? storage.Commands;
        Stores = new HeadEndStores(Meters, readings, commands, storage.Audit, storage.Keys, storage.Counters);
        Provisioner = new MeterProvisioner(Meters, storage.Keys, keyProvider, audit, storage.Transformers);
        Counters = new OutgoingCounterAllocator(storage.Counters, audit);
        ConnectionGate = new ConnectionGate(Pipeline, options.Connections, time);
        PushReceiver = new WrapperPushReceiver(Pipeline, ConnectionGate, options.WrapperPush, time, options.LoggerFactory?.CreateLogger<WrapperPushReceiver>());

        // One connector for every link: DLMS/TCP, the local Zigbee coordinator (when there is one) and Zigbee gateways.
        List<IDlmsLinkOpener> openers = [new TcpWrapperLinkOpener(options.MeterConnectTimeout, time), new GatewayLinkOpener(options.MeterConnectTimeout, time), _zigbeeOpener, new CoapLinkOpener(new CoapLinkOpenerOptions { Endpoint = new() { TimeProvider = time } })];
        if (zigbee is not null)
        {
            Attach(zigbee, options.ZigbeeSerialPort!);
        }

        if (options.Mqtt is { IsEnabled: true } mqtt)
        {
            // MQTT meters (mqtt:// endpoints): the embedded broker and/or the external broker's shared subscription.
            Mqtt = MqttNodeTransport.Create(mqtt, Pipeline, ConnectionGate, storage.Keys, keyProvider, time);
            openers.Add(Mqtt.LinkOpener);
            _disposables.Add(Mqtt);
        }

        var dlms = new DlmsMeterConnector(Keyring, Counters, new DlmsMeterConnectorOptions
        {
            SystemTitle = SystemTitle,
            Profiles = profiles.Profiles.ToDictionary(p => p.Id, StringComparer.Ordinal),
            ConnectTimeout = options.MeterConnectTimeout,
            RequestTimeout = options.MeterRequestTimeout,
            TimeProvider = time,
            Signer = () => keyProvider.Signer,
        }, openers);
        Connectors = [dlms];

        CommandService = new CommandService(commands, Meters, audit, time, options.Commands);
        var rotation = new KeyRotation(Keyring, storage.Keys, new KeyProviderMeterKeyWrapper(keyProvider), Meters);
        var executor = new CommandExecutor(Meters, readings, rotation, time, limiters: storage.Limiters);
        Dispatcher = new CommandDispatcher(commands, Meters, audit, Connectors, executor, time, options.Dispatcher, options.LoggerFactory?.CreateLogger<CommandDispatcher>());
        DemandControl = new DemandControlService(storage.DemandLimits, Meters, CommandService, audit, time, options.DemandControl, options.Commands.MaxActivationAhead)
        {
            CommandsCreated = Dispatcher.Wake,
        };
        Approvals = new CommandApprovalService(storage.Approvals, Meters, CommandService, audit, time, options.Approvals)
        {
            CommandsCreated = Dispatcher.Wake,
        };
        AuditVerifier = new AuditVerifier(storage.Audit);
        Billing = new BillingService(Meters, readings, storage.Bills, audit, tariffs, time);
        if (options.AutoBilling is { } autoBilling && tariffs.Tariffs.Count > 0)
        {
            AutoBilling = new AutoBillingService(Billing, Meters, storage.Bills, time, autoBilling, options.LoggerFactory?.CreateLogger<AutoBillingService>());
            _loops.Add(new HeadEndLoop("auto-billing", AutoBilling.RunAsync));
        }
        Access = new AccessService(storage.Users, storage.ApiTokens, audit, time, options.Access);

        _loops.Add(new HeadEndLoop("ingest", Pipeline.RunAsync));
        foreach (var (name, run) in Mqtt?.Loops ?? [])
        {
            _loops.Add(new HeadEndLoop(name, run));
        }

        _loops.Add(new HeadEndLoop("commands", Dispatcher.RunAsync));
        _loops.Add(new HeadEndLoop("demand-control", DemandControl.RunAsync));
        RelayEvents = new RelayEventFollower(Pipeline, Meters, storage.Readings, time);
        _loops.Add(new HeadEndLoop("relay-events", RelayEvents.RunAsync));
        _loops.Add(new HeadEndLoop("approvals", Approvals.RunAsync));
        if (options.Scheduler is { } scheduling)
        {
            Scheduler = new ReadScheduler(Meters, commands, readings, CommandService, Connectors, time, scheduling);
            _loops.Add(new HeadEndLoop("read-scheduler", Scheduler.RunAsync));
        }

        if (options.Backfill is { } backfill)
        {
            Backfill = new BackfillService(Meters, readings, Connectors, new GapDetector(storage.Readings, options.GapDetector, time), backfill, time);
            _loops.Add(new HeadEndLoop("backfill", Backfill.RunAsync));
        }

        // Analytics: alerts (audited, published through the outbox when northbound is on) and the rules over committed data.
        Alerts = new AlertService(storage.Alerts, audit, time, northbound?.Messages, northbound?.Gauge, northbound?.Metrics);
        EnergyBalance = new EnergyBalanceService(Meters, storage.Readings, storage.Transformers, storage.Alerts, options.Analytics?.EnergyBalance);
        if (options.Analytics is { } analytics)
        {
            Analytics = new AnalyticsService(Pipeline, storage.Readings, Alerts, analytics, time, EnergyBalance);
            noticing.Written += Analytics.NoteWrittenElsewhere;
            _loops.Add(new HeadEndLoop("analytics", Analytics.RunAsync));
        }

        if (options.Prepaid is { } prepaid)
        {
            Prepaid = new PrepaidService(Pipeline, storage.Prepaid, Meters, storage.Readings, tariffs, Alerts, CommandService, audit, prepaid, time);
            _loops.Add(new HeadEndLoop("prepaid", Prepaid.RunAsync));
            _loops.Add(new HeadEndLoop("prepaid-adjustment-expiry", Prepaid.RunAdjustmentExpiryAsync));
        }

        // Outages and power quality (docs/outages.md): records, reliability and summaries always; the detecting loops when configured.
        Reliability = new ReliabilityService(storage.Outages, Meters, options.Outages, time);
        PowerQualityReports = new PowerQualityReports(storage.Readings, Meters, options.PowerQuality);
        if (options.Outages is { } outages)
        {
            Outages = new OutageService(Pipeline, Meters, storage.Outages, Alerts, outages, time);
            _loops.Add(new HeadEndLoop("outages", Outages.RunAsync));
        }

        if (options.PowerQuality is { } powerQuality)
        {
            PowerQuality = new PowerQualityMonitor(Pipeline, storage.Readings, Alerts, powerQuality, time);
            noticing.Written += PowerQuality.NoteWrittenElsewhere;
            _loops.Add(new HeadEndLoop("power-quality", PowerQuality.RunAsync));
            if (powerQuality.FrequencyReadPeriod is not null)
            {
                FrequencyReads = new FrequencyReadScheduler(Meters, commands, CommandService, Connectors, PowerQuality, powerQuality, time) { CommandsCreated = Dispatcher.Wake };
                _loops.Add(new HeadEndLoop("frequency-reads", FrequencyReads.RunAsync));
            }
        }

        if (northbound is not null)
        {
            _loops.Add(new HeadEndLoop("northbound", northbound.RunAsync));
            _disposables.Add(northbound);
        }
    }

    public HeadEndOptions Options { get; }

    public IHeadEndStorage Storage { get; }

    /// <summary>The storage ports, with the registry that keeps the ingest directory current.</summary>
    public HeadEndStores Stores { get; }

    public ProfileCatalog Profiles { get; }

    /// <summary>The head-end's DLMS system title.</summary>
    public SystemTitle SystemTitle { get; }

    /// <summary>The meter registry; every change also updates the ingest pipeline's directory.</summary>
    public IMeterRepository Meters { get; }

    public IAuditLog Audit { get; }

    public AuditVerifier AuditVerifier { get; }

    public IMeterKeyring Keyring { get; }

    public MeterProvisioner Provisioner { get; }

    public OutgoingCounterAllocator Counters { get; }

    public IngestPipeline Pipeline { get; }

    /// <summary>The local Zigbee coordinator and its concentrator, when <see cref="HeadEndOptions.ZigbeeSerialPort"/> is set.</summary>
    public LocalZigbeeNetwork? Zigbee { get; private set; }

    /// <summary>Admits connections to every connection-oriented ingress (caps per address and in total, authentication and idle timeouts).</summary>
    public ConnectionGate ConnectionGate { get; }

    public WrapperPushReceiver PushReceiver { get; }

    /// <summary>The MQTT transport, when <see cref="HeadEndOptions.Mqtt"/> configures one.</summary>
    public MqttNodeTransport? Mqtt { get; }

    public IReadOnlyList<IMeterConnector> Connectors { get; }

    public CommandService CommandService { get; }

    public CommandDispatcher Dispatcher { get; }

    /// <summary>Group load limits and their fan-out (docs/demand-control.md).</summary>
    public DemandControlService DemandControl { get; }

    /// <summary>Bulk connects and disconnects, and the second operator's approval (docs/commands.md).</summary>
    public CommandApprovalService Approvals { get; }

    public ReadScheduler? Scheduler { get; }

    public BackfillService? Backfill { get; }

    /// <summary>Bills: the tariffs of <see cref="HeadEndOptions.Tariffs"/> (none without it) and the issued bills (docs/billing.md).</summary>
    public BillingService Billing { get; }

    /// <summary>The automatic issue of bills at the billing date, when <see cref="HeadEndOptions.AutoBilling"/> is set and there are tariffs.</summary>
    public AutoBillingService? AutoBilling { get; }
    /// <summary>Users, sign-in and API tokens (docs/access.md).</summary>
    public AccessService Access { get; }

    /// <summary>Whether this start wrote the bootstrap admin token to <see cref="HeadEndOptions.BootstrapTokenFile"/>.</summary>
    public bool Bootstrapped { get; private set; }

    /// <summary>Alerts: raising, acknowledging and closing them (audited, published northbound).</summary>
    public AlertService Alerts { get; }

    /// <summary>The tamper and theft rules over committed data, when <see cref="HeadEndOptions.Analytics"/> is set.</summary>
    public AnalyticsService? Analytics { get; }

    /// <summary>Prepaid accounts, deductions and prepaid disconnects, when <see cref="HeadEndOptions.Prepaid"/> is set.</summary>
    public PrepaidService? Prepaid { get; }

    /// <summary>Energy balance of transformers against their consumers.</summary>
    public EnergyBalanceService EnergyBalance { get; }

    /// <summary>Outage detection, when <see cref="HeadEndOptions.Outages"/> is set.</summary>
    public OutageService? Outages { get; }

    /// <summary>Feeders' reliability indices from the stored outages.</summary>
    public ReliabilityService Reliability { get; }

    /// <summary>Power quality alerts, when <see cref="HeadEndOptions.PowerQuality"/> is set.</summary>
    public PowerQualityMonitor? PowerQuality { get; }

    /// <summary>Keeps the registry's relay state current from the meters' load switch events (301/302).</summary>
    public RelayEventFollower RelayEvents { get; }

    /// <summary>Scheduled frequency reads, when <see cref="HeadEndOptions.PowerQuality"/> sets a frequency read period.</summary>
    public FrequencyReadScheduler? FrequencyReads { get; }

    /// <summary>Power quality summaries per meter and feeder.</summary>
    public PowerQualityReports PowerQualityReports { get; }

    /// <summary>Northbound publishing (outbox and AMQP relay), when <see cref="HeadEndOptions.Northbound"/> is set.</summary>
    public AmqpNorthbound? Northbound { get; }

    /// <summary>The long-running services (ingest writer, push receivers, dispatcher, scheduler, back-fill) the host runs.</summary>
    public IReadOnlyList<HeadEndLoop> Loops => _loops;

    /// <summary>The TCP endpoints the push receiver listens on (with the port the system chose for port 0).</summary>
    public IReadOnlyList<IPEndPoint> PushEndpoints => [.. _tcpListeners.Select(l => (IPEndPoint)l.LocalEndpoint)];

    /// <summary>The UDP endpoints of the CoAP push ingress.</summary>
    public IReadOnlyList<IPEndPoint> CoapEndpoints => [.. _coapIngresses.Select(i => i.LocalEndPoint)];

    /// <summary>The CoAP push ingresses, one per <see cref="HeadEndOptions.CoapListeners"/> entry.</summary>
    public IReadOnlyList<CoapIngress> CoapIngresses => _coapIngresses;

    /// <summary>The UDP endpoints the push receiver listens on.</summary>
    public IReadOnlyList<IPEndPoint> UdpPushEndpoints => [.. _udpSockets.Select(s => (IPEndPoint)s.LocalEndPoint!)];

    /// <summary>
    /// Opens a node: the database (applying migrations), the key provider, the audit log (its chain head read back),
    /// the meter profiles, and binds the push listeners, so that a bad setting stops the start with a clear error.
    /// </summary>
    public static async Task<HeadEndNode> OpenAsync(HeadEndOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!Meterline.Dlms.Security.SystemTitle.TryParse(options.SystemTitle, out _))
        {
            throw new ArgumentException($"The head-end system title must be 16 hexadecimal digits, not \"{options.SystemTitle}\".", nameof(options));
        }

        var profiles = ProfileCatalog.Load(options.ProfilesDirectory);
        if (!profiles.Profiles.Any())
        {
            throw new InvalidDataException($"No meter profiles (*.json) in {Path.GetFullPath(options.ProfilesDirectory)}.");
        }

        var tariffs = options.Tariffs is { } tariffFile ? await LoadTariffsAsync(tariffFile, cancellationToken).ConfigureAwait(false) : TariffCatalog.Empty;
        var storage = await HeadEndStorage.OpenAsync(options.Database, new StorageOptions { TimeProvider = options.TimeProvider }, cancellationToken).ConfigureAwait(false);
        IKeyProvider? keys = null;
        AuditLog? audit = null;
        DlmsPushDecoder? decoder = null;
        IngestPipeline? pipeline = null;
        LocalZigbeeNetwork? zigbee = null;
        MeterKeyring? keyring = null;
        AmqpNorthbound? northbound = null;
        try
        {
            keys = OpenKeyProvider(options);
            audit = await AuditLog.OpenAsync(storage.Audit, options.TimeProvider, cancellationToken).ConfigureAwait(false);
            keyring = new MeterKeyring(storage.Keys, keys);
            try
            {
                decoder = new DlmsPushDecoder(keyring, profiles.Profiles);
            }
            catch (InvalidOperationException e)
            {
                // A profile the push decoder has no layout for: the node could not read those meters' pushes.
                throw new InvalidDataException(e.Message, e);
            }

            var directory = new MeterDirectory();
            northbound = options.Northbound is { } publishing
                ? new AmqpNorthbound(publishing, storage.Readings, storage.Commands, storage.Outbox, directory, audit, options.TimeProvider, loggerFactory: options.LoggerFactory)
                : null;
            pipeline = new IngestPipeline(new DlmsSecuredApduInspector(), decoder, northbound?.Readings ?? storage.Readings, storage.Meters, audit, options.Ingest, options.TimeProvider, directory: directory, logger: options.LoggerFactory?.CreateLogger<IngestPipeline>());
            if (options.ZigbeeSerialPort is { } serial)
            {
                zigbee = await OpenZigbeeAsync(serial, options, pipeline, cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            if (northbound is not null)
            {
                await northbound.DisposeAsync().ConfigureAwait(false);
            }

            pipeline?.Dispose();
            decoder?.Dispose();
            audit?.Dispose();
            (keys as IDisposable)?.Dispose();
            await storage.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        var node = new HeadEndNode(options, storage, keys, audit, profiles, keyring, decoder, pipeline, zigbee, northbound, tariffs);
        try
        {
            node.Bind();
            if (node.Mqtt?.Broker is { } broker)
            {
                // Bind the broker's listeners now, so that a bad address stops the start.
                await broker.StartAsync().ConfigureAwait(false);
            }
            await node.Pipeline.LoadAsync(cancellationToken).ConfigureAwait(false);
            if (options.BootstrapTokenFile is { } tokenFile)
            {
                // First start: an admin API token, written once to an owner-only file (docs/access.md).
                node.Bootstrapped = await node.Access.BootstrapAsync(tokenFile, cancellationToken).ConfigureAwait(false);
            }

            return node;
        }
        catch
        {
            await node.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Attaches a local Zigbee coordinator after the node opened (when the serial device exists only later, as the
    /// demo's emulated one): meters at <c>zigbee://</c> endpoints become reachable through it and its radios' pushes go
    /// to the ingest pipeline. Call it before the web host is built (its loop must be among <see cref="Loops"/>); at
    /// most one coordinator per node.
    /// </summary>
    /// <exception cref="IOException">No coordinator answers on the device, or it cannot be opened.</exception>
    public async Task AttachZigbeeAsync(string serialPort, int baudRate, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(serialPort);
        if (_zigbeeOpener.IsBound)
        {
            throw new InvalidOperationException("A Zigbee coordinator is already attached to this node.");
        }

        Attach(await OpenZigbeeAsync(serialPort, Options with { ZigbeeBaudRate = baudRate }, Pipeline, cancellationToken).ConfigureAwait(false), serialPort);
    }

    /// <summary>The tariff file; one that is not valid stops the start with every error and its JSON path.</summary>
    private static async Task<TariffCatalog> LoadTariffsAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            return await TariffCatalogReader.ReadFileAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (TariffValidationException e)
        {
            throw new InvalidDataException($"Tariff file {path}: {e.Message}", e);
        }
    }

    /// <summary>Adds a long-running service (a transport adapter living elsewhere) that the host runs with the others.</summary>
    public void AddLoop(HeadEndLoop loop)
    {
        ArgumentNullException.ThrowIfNull(loop);
        _loops.Add(loop);
    }

    /// <summary>Adds something the node disposes before its stores (a transport adapter's resources).</summary>
    public void AddDisposable(IAsyncDisposable disposable)
    {
        ArgumentNullException.ThrowIfNull(disposable);
        _disposables.Add(disposable);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        foreach (var listener in _tcpListeners)
        {
            listener.Dispose();
        }

        // Stops the UDP receive threads (bounded) before their sockets close.
        PushReceiver.Dispose();
        foreach (var socket in _udpSockets)
        {
            socket.Dispose();
        }

        foreach (var ingress in _coapIngresses)
        {
            await ingress.DisposeAsync().ConfigureAwait(false);
        }

        for (var i = _disposables.Count - 1; i >= 0; i--)
        {
            await _disposables[i].DisposeAsync().ConfigureAwait(false);
        }

        if (Zigbee is not null)
        {
            await Zigbee.DisposeAsync().ConfigureAwait(false);
        }

        Analytics?.Dispose();
        Prepaid?.Dispose();
        Outages?.Dispose();
        PowerQuality?.Dispose();
        RelayEvents.Dispose();
        Pipeline.Dispose();
        _decoder.Dispose();
        Provisioner.Dispose();
        Billing.Dispose();
        (Audit as IDisposable)?.Dispose();
        (_keyProvider as IDisposable)?.Dispose();
        await Storage.DisposeAsync().ConfigureAwait(false);
    }

    private static IKeyProvider OpenKeyProvider(HeadEndOptions options) => options.KeyProvider switch
    {
        KeyProviderKind.Pkcs11 => Pkcs11KeyProvider.Open(new Pkcs11KeyProviderOptions
        {
            ModulePath = options.Pkcs11Module,
            TokenLabel = options.Pkcs11Token ?? throw new ArgumentException("The PKCS#11 key provider needs a token label."),
            PinEnvironmentVariable = options.Pkcs11PinEnvironmentVariable ?? throw new ArgumentException("The PKCS#11 key provider needs the name of the environment variable holding the PIN."),
        }),
        _ => FileKeyProvider.Open(options.KeyEnvironmentVariable is { } variable
            ? new FileKeyProviderOptions { KeyEnvironmentVariable = variable }
            : new FileKeyProviderOptions { KeyFile = options.KeyFile ?? throw new ArgumentException("The file key provider needs a key file or an environment variable."), CreateKeyFile = options.CreateKeyFile }),
    };

    private void Attach(LocalZigbeeNetwork zigbee, string serialPort)
    {
        _zigbeeOpener.Bind(zigbee.LinkOpener);
        Zigbee = zigbee;
        _loops.Add(new HeadEndLoop("zigbee " + serialPort, zigbee.RunAsync));
    }

    private static async Task<LocalZigbeeNetwork> OpenZigbeeAsync(string serial, HeadEndOptions options, IngestPipeline pipeline, CancellationToken cancellationToken)
    {
        try
        {
            return await LocalZigbeeNetwork.OpenAsync(new LocalZigbeeNetworkOptions { SerialPort = serial, BaudRate = options.ZigbeeBaudRate }, pipeline, options.TimeProvider, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (XBeeException e)
        {
            throw new IOException($"No Zigbee coordinator answers on {serial} at {options.ZigbeeBaudRate} baud: {e.Message}", e);
        }
    }

    private void Bind()
    {
        foreach (var endpoint in Options.PushListeners)
        {
            var listener = new TcpListener(endpoint);
            try
            {
                listener.Start();
            }
            catch (SocketException e)
            {
                listener.Dispose();
                throw new IOException($"Cannot listen for pushes on TCP {endpoint}: {e.Message}", e);
            }

            _tcpListeners.Add(listener);
            _loops.Add(new HeadEndLoop("push-tcp " + listener.LocalEndpoint, ct => PushReceiver.ServeTcpAsync(listener, ct)));
        }

        foreach (var endpoint in Options.UdpPushListeners)
        {
            // The receiver sets the socket's receive buffer (WrapperPushReceiverOptions.UdpReceiveBufferSize) and reads it on a thread of its own.
            var socket = new Socket(endpoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            try
            {
                socket.Bind(endpoint);
            }
            catch (SocketException e)
            {
                socket.Dispose();
                throw new IOException($"Cannot listen for pushes on UDP {endpoint}: {e.Message}", e);
            }

            _udpSockets.Add(socket);
            _loops.Add(new HeadEndLoop("push-udp " + socket.LocalEndPoint, ct => PushReceiver.ServeUdpAsync(socket, ct)));
        }

        foreach (var endpoint in Options.CoapListeners)
        {
            CoapIngress ingress;
            try
            {
                ingress = CoapIngress.Bind(endpoint, Pipeline, Options.Coap with { Endpoint = Options.Coap.Endpoint with { TimeProvider = Options.TimeProvider } });
            }
            catch (SocketException e)
            {
                throw new IOException($"Cannot listen for CoAP pushes on UDP {endpoint}: {e.Message}", e);
            }

            _coapIngresses.Add(ingress);
            _loops.Add(new HeadEndLoop("push-coap " + ingress.LocalEndPoint, ingress.RunAsync));
        }
    }
}
