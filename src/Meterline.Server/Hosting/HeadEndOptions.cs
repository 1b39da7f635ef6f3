using System.Net;
using Meterline.HeadEnd.Billing;
using Meterline.HeadEnd.Commands;
using Meterline.HeadEnd.Commands.Approvals;
using Meterline.HeadEnd.DemandControl;
using Meterline.HeadEnd.Ingest;
using Meterline.HeadEnd.Scheduling;
using Meterline.Northbound.Amqp;

namespace Meterline.Server.Hosting;

/// <summary>
/// Everything a head-end node needs to start: its database, its keys, its identity on the wire, where meters push
/// to, and the tuning of its long-running services. The defaults make a single node on SQLite in the working
/// directory; <c>meterline serve</c> fills this from its options (docs/server.md lists them).
/// </summary>
public sealed record HeadEndOptions
{
    /// <summary>The database: a SQLite path or <c>Data Source=…</c>, or an Npgsql connection string for PostgreSQL.</summary>
    public string Database { get; init; } = "Data Source=meterline.db";

    /// <summary>The key provider: <see cref="KeyProviderKind.File"/> (default) or <see cref="KeyProviderKind.Pkcs11"/>.</summary>
    public KeyProviderKind KeyProvider { get; init; } = KeyProviderKind.File;

    /// <summary>The key-encryption key file (file provider). Created with owner-only permissions when <see cref="CreateKeyFile"/> is set.</summary>
    public string? KeyFile { get; init; } = "meterline.kek";

    /// <summary>Create <see cref="KeyFile"/> with a fresh key from the CSPRNG when it does not exist.</summary>
    public bool CreateKeyFile { get; init; }

    /// <summary>An environment variable holding the key-encryption key in base64 (file provider; instead of <see cref="KeyFile"/>).</summary>
    public string? KeyEnvironmentVariable { get; init; }

    /// <summary>The PKCS#11 module (shared library) for the PKCS#11 provider.</summary>
    public string Pkcs11Module { get; init; } = "/usr/lib/softhsm/libsofthsm2.so";

    /// <summary>The token label for the PKCS#11 provider.</summary>
    public string? Pkcs11Token { get; init; }

    /// <summary>The environment variable holding the PKCS#11 user PIN.</summary>
    public string? Pkcs11PinEnvironmentVariable { get; init; }

    /// <summary>The head-end's DLMS system title (16 hex digits): the calling-AP-title and the IV prefix of what it ciphers.</summary>
    public string SystemTitle { get; init; } = "4D544C4845530001";

    /// <summary>The directory of meter profiles (*.json).</summary>
    public string ProfilesDirectory { get; init; } = "profiles";

    /// <summary>TCP endpoints where meters push DataNotifications over the IEC 62056-47 wrapper (empty: none).</summary>
    public IReadOnlyList<IPEndPoint> PushListeners { get; init; } = [new IPEndPoint(IPAddress.Loopback, 4059)];

    /// <summary>UDP endpoints where meters push DataNotifications over the wrapper (empty: none).</summary>
    public IReadOnlyList<IPEndPoint> UdpPushListeners { get; init; } = [];

    /// <summary>UDP endpoints where meters POST pushes over CoAP (docs/coap.md; empty: none).</summary>
    public IReadOnlyList<IPEndPoint> CoapListeners { get; init; } = [];

    /// <summary>Settings of the CoAP push ingress (resource, APDU limit, commit timeout, per-source datagram rate).</summary>
    public Meterline.HeadEnd.Coap.CoapIngressOptions Coap { get; init; } = new();

    /// <summary>The serial device of a local Zigbee coordinator (e.g. /dev/ttyUSB0), or null for none.</summary>
    public string? ZigbeeSerialPort { get; init; }

    /// <summary>The serial baud rate of the local Zigbee coordinator.</summary>
    public int ZigbeeBaudRate { get; init; } = 9600;

    /// <summary>Tuning of the ingest pipeline (queues, batches, the ingress guard).</summary>
    public IngestPipelineOptions Ingest { get; init; } = new();

    /// <summary>The wrapper push listeners' framing limits and UDP receive buffer and queue (docs/deployment.md).</summary>
    public Meterline.HeadEnd.Dlms.Ingest.WrapperPushReceiverOptions WrapperPush { get; init; } = new();

    /// <summary>Connection limits shared by every connection-oriented ingress (DLMS/TCP push port, MQTT broker).</summary>
    public ConnectionGateOptions Connections { get; init; } = new();

    /// <summary>Tuning of the command dispatcher (concurrency, polling).</summary>
    public CommandDispatcherOptions Dispatcher { get; init; } = new();

    /// <summary>Deadlines of new commands.</summary>
    public CommandServiceOptions Commands { get; init; } = new();

    /// <summary>Group load limits: largest group, fan-out rate (docs/demand-control.md).</summary>
    public DemandControlOptions DemandControl { get; init; } = new();

    /// <summary>Bulk disconnects above a threshold wait for a second operator; how long they wait (docs/commands.md).</summary>
    public ApprovalOptions Approvals { get; init; } = new();

    /// <summary>Periodic reads of meters that do not push; null turns the scheduler off.</summary>
    public ReadSchedulerOptions? Scheduler { get; init; } = new();

    /// <summary>Gap detection and back-fill by range reads; null turns it off.</summary>
    public BackfillOptions? Backfill { get; init; } = new();

    /// <summary>How long opening a link to a meter (a TCP connection, a gateway) may take.</summary>
    public TimeSpan MeterConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>What back-fill counts as a gap (interval, look-back, grace).</summary>
    public GapDetectorOptions GapDetector { get; init; } = new();

    /// <summary>Northbound publishing to an AMQP broker through the outbox (docs/northbound.md); null turns it off.</summary>
    public AmqpNorthboundOptions? Northbound { get; init; }

    /// <summary>Where the node's services log before and apart from the web host (the northbound relay); null logs nothing.</summary>
    public ILoggerFactory? LoggerFactory { get; init; }

    /// <summary>How long a DLMS request may wait for the meter's answer.</summary>
    public TimeSpan MeterRequestTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The tariff file (docs/billing.md); null: no tariffs, so no meter is billed. A file that is not valid stops the start.</summary>
    public string? Tariffs { get; init; }

    /// <summary>Automatic issue of each month's bills at the billing date (docs/billing.md); null (the default) leaves issuing to the API. Needs <see cref="Tariffs"/>.</summary>
    public AutoBillingOptions? AutoBilling { get; init; }

    /// <summary>The clock of every service (a test or the demo may accelerate it).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Tamper and theft analytics (docs/analytics.md): rule thresholds and how the service runs; null turns the analytics service off (the alert API stays).</summary>
    public Meterline.HeadEnd.Analytics.AnalyticsOptions? Analytics { get; init; } = new();

    /// <summary>Prepaid accounts (docs/prepaid.md): thresholds, the allowed hours of disconnects, the deduction loop; null turns prepaid off (no loop, no API).</summary>
    public Meterline.HeadEnd.Prepaid.PrepaidOptions? Prepaid { get; init; } = new();
    /// <summary>Outage detection and reliability (docs/outages.md); null turns the outage service off (the outage API stays).</summary>
    public Meterline.HeadEnd.Outages.OutageOptions? Outages { get; init; } = new();

    /// <summary>Power quality thresholds and alerts (docs/outages.md); null turns the power quality alerts off (the summaries stay, with the default band).</summary>
    public Meterline.HeadEnd.PowerQuality.PowerQualityOptions? PowerQuality { get; init; } = new();
    /// <summary>
    /// Where the first start (no users, no API tokens) writes the bootstrap admin token, owner-only (docs/access.md);
    /// null: no bootstrap.
    /// </summary>
    public string? BootstrapTokenFile { get; init; }

    /// <summary>Sign-in lockout and token use (docs/access.md).</summary>
    public Meterline.HeadEnd.Access.AccessOptions Access { get; init; } = new();

    /// <summary>MQTT: an embedded broker and/or a client of an external broker (docs/mqtt.md); null for none.</summary>
    public Meterline.HeadEnd.Mqtt.Node.MqttNodeOptions? Mqtt { get; init; }
}
