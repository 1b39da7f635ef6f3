using System.CommandLine;
using System.Globalization;
using System.Net;
using Meterline.Cli.Dlms;
using Meterline.HeadEnd.Analytics;
using Meterline.HeadEnd.Billing;
using Meterline.HeadEnd.Commands;
using Meterline.HeadEnd.Dlms.Ingest;
using Meterline.HeadEnd.Outages;
using Meterline.HeadEnd.PowerQuality;
using Meterline.HeadEnd.Ingest;
using Meterline.Northbound.Amqp;
using Meterline.HeadEnd.Mqtt.Broker;
using Meterline.HeadEnd.Mqtt.Node;
using Meterline.Server;
using Meterline.Server.Hosting;

namespace Meterline.Cli.Serve;

/// <summary>The options of <c>meterline serve</c> (and of the head-end inside <c>meterline demo</c>), turned into the node's and the web host's options.</summary>
internal sealed class ServeOptions
{
    /// <summary>The most <c>--max-connections</c> takes (each connection is a file descriptor and about 6 KiB).</summary>
    private const int MaxConnectionsLimit = 1_000_000;

    public Option<string> Database { get; } = new("--database", "--db") { Description = "SQLite file (or Data Source=…), or an Npgsql connection string (Host=…;Database=…;Username=…) for PostgreSQL", DefaultValueFactory = _ => "meterline.db" };

    public Option<string> KeyProvider { get; } = new Option<string>("--key-provider") { Description = "Where the key-encryption key lives: file or pkcs11", DefaultValueFactory = _ => "file" }.AcceptOnlyFromAmong("file", "pkcs11");

    public Option<string> KeyFile { get; } = new("--key-file") { Description = "The key-encryption key file (file provider)", DefaultValueFactory = _ => "meterline.kek" };

    public Option<bool> CreateKeyFile { get; } = new("--create-key-file") { Description = "Create the key file with a fresh random key if it does not exist" };

    public Option<string?> KeyEnvironment { get; } = new("--key-env") { Description = "Name of an environment variable holding the key-encryption key in base64 (instead of --key-file)" };

    public Option<string> Pkcs11Module { get; } = new("--pkcs11-module") { Description = "PKCS#11 module", DefaultValueFactory = _ => "/usr/lib/softhsm/libsofthsm2.so" };

    public Option<string?> Pkcs11Token { get; } = new("--pkcs11-token") { Description = "PKCS#11 token label" };

    public Option<string?> Pkcs11PinEnvironment { get; } = new("--pkcs11-pin-env") { Description = "Name of the environment variable holding the token's user PIN" };

    public Option<string> SystemTitle { get; } = new("--system-title") { Description = "The head-end's DLMS system title, 16 hex digits", DefaultValueFactory = _ => new HeadEndOptions().SystemTitle };

    public Option<string?> Profiles { get; } = new("--profiles") { Description = "Directory of meter profiles (*.json); default: ./profiles, else the one installed beside meterline" };

    public Option<string[]> Listen { get; } = new("--listen") { Description = "URL of the web API (repeatable)", DefaultValueFactory = _ => ["http://127.0.0.1:8080"], AllowMultipleArgumentsPerToken = false };

    public Option<string[]> Push { get; } = new("--push") { Description = "TCP address:port where meters push (IEC 62056-47 wrapper; repeatable; \"none\" for none)", DefaultValueFactory = _ => ["127.0.0.1:4059"] };

    public Option<string[]> PushUdp { get; } = new("--push-udp") { Description = "UDP address:port where meters push (repeatable)" };

    public Option<int> PushUdpBuffer { get; } = new("--push-udp-buffer") { Description = "SO_RCVBUF asked for each --push-udp socket, in bytes; the kernel caps it at net.core.rmem_max (a warning is logged when it does; docs/deployment.md)", DefaultValueFactory = _ => new WrapperPushReceiverOptions().UdpReceiveBufferSize ?? 0 };

    public Option<int> PushUdpQueue { get; } = new("--push-udp-queue") { Description = "UDP push datagrams read and waiting to be decoded, per socket; more are dropped and counted (meterline.push.udp.dropped)", DefaultValueFactory = _ => new WrapperPushReceiverOptions().UdpQueueCapacity };

    public Option<int> MaxConnections { get; } = new("--max-connections") { Description = "Meter connections open at once, over the DLMS/TCP push port and the embedded MQTT broker together, 1 to 1000000; beyond it the oldest unauthenticated connection is closed, or the new one refused if all are authenticated (docs/ingest.md \"Connections\"); set the service's LimitNOFILE above it", DefaultValueFactory = _ => new ConnectionGateOptions().MaxConnections };

    public Option<int> MaxConnectionsPerAddress { get; } = new("--max-connections-per-address") { Description = "Connections open at once from one address, 1 to --max-connections; beyond it a new one is refused. Raise it for concentrators, gateways and meters behind NAT", DefaultValueFactory = _ => new ConnectionGateOptions().MaxConnectionsPerAddress };

    public Option<int> MaxUnauthenticated { get; } = new("--max-unauthenticated") { Description = "Connections open at once that have not yet delivered an authenticated frame (or MQTT CONNECT), 1 to --max-connections; a new one beyond it closes the oldest of them. Size it for the meters that connect at once, e.g. after an outage, while the node reads their first frames (docs/deployment.md \"Connections, memory and storms\")", DefaultValueFactory = _ => new ConnectionGateOptions().MaxUnauthenticated };

    public Option<double> FollowerShare { get; } = new("--follower-share") { Description = "Share of its time each follower of committed readings (analytics, power quality, prepaid, outages, relay events) may spend in rounds while readings keep coming, above 0 and at most 1; under a burst the rest goes to ingest and alerts lag by up to 5 s (docs/ingest.md); 1: rounds back to back", DefaultValueFactory = _ => new IngestPipelineOptions().FollowerShare };

    public Option<string[]> CoapListen { get; } = new("--coap-listen") { Description = "UDP address:port where meters POST pushes over CoAP to /dlms (repeatable; docs/coap.md)" };

    public Option<string?> ZigbeeSerial { get; } = new("--zigbee-serial") { Description = "Serial device of a local Zigbee coordinator (XBee in API mode), e.g. /dev/ttyUSB0; meters at zigbee:// endpoints are reached through it" };

    public Option<int> ZigbeeBaud { get; } = new("--zigbee-baud") { Description = "Serial speed of the Zigbee coordinator (8N1)", DefaultValueFactory = _ => 9600 };

    public Option<TimeSpan?> BackfillPeriod { get; } = new("--backfill-period") { Description = "Time between runs of gap detection and back-fill, e.g. 00:10:00 (default 01:00:00)" };

    public Option<TimeSpan?> BackfillLookBack { get; } = new("--backfill-lookback") { Description = "How far back gap detection looks for missing intervals, e.g. 7.00:00:00 (default 1.00:00:00)" };

    public Option<string[]> Concentrator { get; } = new("--concentrator") { Description = "A data concentrator or gateway with a push quota of its own: ADDRESS, NETWORK/PREFIX or a source name, optionally =RATE or =RATE/BURST (default 20000/100000 pushes a second; repeatable)" };
    public Option<string?> AmqpUri { get; } = new("--amqp-uri") { Description = "Publish readings, alerts, outages and command results to this AMQP broker: amqp://user@host:5672/vhost or amqps://… (no password here; see docs/northbound.md)" };

    public Option<string?> AmqpPasswordEnvironment { get; } = new("--amqp-password-env") { Description = "Name of the environment variable holding the AMQP user's password" };

    public Option<string> AmqpExchange { get; } = new("--amqp-exchange") { Description = "The durable topic exchange messages are published to", DefaultValueFactory = _ => AmqpPublisherOptions.DefaultExchange };

    public Option<string?> AmqpCa { get; } = new("--amqp-ca") { Description = "amqps: PEM file of the CA the broker's certificate must chain to (default: the system's trust store)" };

    public Option<string?> AmqpClientCert { get; } = new("--amqp-client-cert") { Description = "amqps with mutual TLS: the node's client certificate, PEM (with --amqp-client-key) or PFX without a password" };

    public Option<string?> AmqpClientKey { get; } = new("--amqp-client-key") { Description = "PEM private key of --amqp-client-cert" };

    public Option<string> LogLevel { get; } = new Option<string>("--log-level") { Description = "Least level logged: trace, debug, information, warning, error", DefaultValueFactory = _ => "information" }
        .AcceptOnlyFromAmong("trace", "debug", "information", "warning", "error", "critical");

    public Option<string> LogFormat { get; } = new Option<string>("--log-format") { Description = "text, or json: one JSON object per line with the message's named values (CommandId, MeterId, ...) as fields (docs/observability.md)", DefaultValueFactory = _ => "text" }
        .AcceptOnlyFromAmong("text", "json");

    public Option<string[]> MqttListen { get; } = new("--mqtt-listen") { Description = "address:port of the embedded MQTT broker for meters (repeatable; docs/mqtt.md)" };

    public Option<string?> MqttTlsCert { get; } = new("--mqtt-tls-cert") { Description = "The embedded broker's TLS certificate: PEM (with --mqtt-tls-key) or PFX" };

    public Option<string?> MqttTlsKey { get; } = new("--mqtt-tls-key") { Description = "PEM private key of --mqtt-tls-cert" };

    public Option<string> MqttClientCerts { get; } = new Option<string>("--mqtt-client-certs") { Description = "Client certificates at the embedded broker: none, optional or required", DefaultValueFactory = _ => "none" }
        .AcceptOnlyFromAmong("none", "optional", "required");

    public Option<string?> MqttClientCa { get; } = new("--mqtt-client-ca") { Description = "PEM file of the roots meters' client certificates must chain to (default: the system's)" };

    public Option<string?> MqttBroker { get; } = new("--mqtt-broker") { Description = "An external MQTT broker the node consumes meters' pushes from: mqtt://host:port or mqtts://host:port" };

    public Option<string?> MqttUsername { get; } = new("--mqtt-username") { Description = "The node's user name at the external broker" };

    public Option<string?> MqttPasswordEnv { get; } = new("--mqtt-password-env") { Description = "Name of the environment variable holding the node's password at the external broker" };

    public Option<string> MqttShareGroup { get; } = new("--mqtt-share-group") { Description = "Share name of the nodes splitting the uplink ($share/{group}/meterline/+/up)", DefaultValueFactory = _ => "meterline" };

    public Option<string?> Tariffs { get; } = new("--tariffs") { Description = "The tariff file meters are billed with (docs/billing.md); default: none, nothing is billed" };

    public Option<bool> AutoBill { get; } = new("--auto-bill") { Description = "Issue every billed meter's bills automatically once a month has ended in its tariff's time zone and the delay has passed (needs --tariffs; docs/billing.md)" };

    public Option<TimeSpan?> AutoBillDelay { get; } = new("--auto-bill-delay") { Description = "With --auto-bill: how long after a month's end its bills wait for late data, e.g. 1.12:00:00 (default 2.00:00:00, at most 27 days)" };

    public Option<int?> AutoBillCatchUp { get; } = new("--auto-bill-catch-up") { Description = "With --auto-bill: how many due months are issued when their bills are missing, e.g. after downtime (default 3, 1 to 24)" };

    public Option<bool> NoAnalytics { get; } = new("--no-analytics") { Description = "Do not run the tamper and theft rules (docs/analytics.md); the alert API stays" };

    public Option<string?> AnalyticsConfig { get; } = new("--analytics-config") { Description = "A JSON file of analytics thresholds (docs/analytics.md \"Rules and their thresholds\"; docs/examples/analytics.json holds the defaults): what it leaves out keeps its default; --net-metered, --energy-balance-alerts and --analytics-window-memory apply on top" };

    public Option<int?> AnalyticsWindowMemory { get; } = new("--analytics-window-memory") { Description = "MiB the analytics, and power quality alike, may each hold touched meters' windows in, kept up from the committed records so that a round reads the store only for meters not held (docs/ingest.md \"Held windows\"); 0 to 65536, 0: every round reads the store (default 64)" };

    public Option<bool> NoOutages { get; } = new("--no-outages") { Description = "Do not detect outages nor raise power quality alerts (docs/outages.md); the outage and power quality API stays" };

    public Option<string?> EnergyBalanceAlerts { get; } = new("--energy-balance-alerts") { Description = "on|off: raise energy-balance theft alerts from the transformers' balances at each analytics full pass (docs/analytics.md \"Energy balance\"); default on" };

    public Option<double?> NominalVoltage { get; } = new("--nominal-voltage") { Description = "The supply's nominal voltage the ±10 % power quality band is around (docs/outages.md); default 230" };

    public Option<string[]> NetMetered { get; } = new("--net-metered") { Description = "Serial of a meter with net metering, whose export raises no reverse-energy alert (repeatable)" };

    /// <summary>The prepaid options (docs/prepaid.md).</summary>
    public PrepaidServeOptions Prepaid { get; } = new();

    public Option<string[]> HttpsListen { get; } = new("--https-listen") { Description = "HTTPS URL of the web API, e.g. https://0.0.0.0:8443 (repeatable; needs --tls-cert and --tls-key; docs/access.md)" };

    public Option<string?> TlsCert { get; } = new("--tls-cert") { Description = "The API's TLS certificate (PEM, with its chain)" };

    public Option<string?> TlsKey { get; } = new("--tls-key") { Description = "The private key of --tls-cert (PEM)" };

    public Option<string?> BootstrapTokenFile { get; } = new("--bootstrap-token-file") { Description = "Where the first start writes the admin API token, owner-only (default: beside the SQLite database, NAME.admin-token)" };

    public Option<string?> SessionKeyFile { get; } = new("--session-key-file") { Description = "The 32-byte key that encrypts the session key ring in the database, owner-only, the same file on every node sharing the database; made when missing (default: beside the SQLite database, NAME.session-key; docs/access.md)" };

    public Option<int> ApprovalThreshold { get; } = new("--approval-threshold") { Description = "A bulk disconnect of more meters than this waits for a second operator's approval (docs/commands.md)", DefaultValueFactory = _ => new Meterline.HeadEnd.Commands.Approvals.ApprovalOptions().Threshold };

    public Option<TimeSpan> ApprovalLifetime { get; } = new("--approval-lifetime") { Description = "How long a bulk disconnect waits for approval before it expires (1 minute to 7 days)", DefaultValueFactory = _ => new Meterline.HeadEnd.Commands.Approvals.ApprovalOptions().Lifetime };

    public Option<string?> NodeName { get; } = new("--node-name") { Description = "This node's name among the nodes sharing one database and broker: recorded on the commands it sends and part of its MQTT client id; unique per node and the same across its restarts (letters, digits, '.', '-', '_'; default: the host name; docs/deployment.md)" };

    public Option<bool> ConsumerTopUps { get; } = new("--consumer-top-ups") { Description = "Let consumers record top-ups of their own prepaid account in the portal and at POST /api/me/prepaid/top-ups; only where the payment is taken before the portal (docs/web.md \"Consumer portal\"); default: off" };

    public IEnumerable<Option> All =>
        [.. Prepaid.All, Database, KeyProvider, KeyFile, CreateKeyFile, KeyEnvironment, Pkcs11Module, Pkcs11Token, Pkcs11PinEnvironment, SystemTitle, Profiles, Listen, Push, PushUdp, PushUdpBuffer, PushUdpQueue, MaxConnections, MaxConnectionsPerAddress, MaxUnauthenticated, FollowerShare, CoapListen,
            ZigbeeSerial, ZigbeeBaud, BackfillPeriod, BackfillLookBack, Concentrator, AmqpUri, AmqpPasswordEnvironment, AmqpExchange, AmqpCa, AmqpClientCert, AmqpClientKey, LogLevel, LogFormat,
            MqttListen, MqttTlsCert, MqttTlsKey, MqttClientCerts, MqttClientCa, MqttBroker, MqttUsername, MqttPasswordEnv, MqttShareGroup, Tariffs, AutoBill, AutoBillDelay, AutoBillCatchUp, NoAnalytics, AnalyticsConfig, AnalyticsWindowMemory, NetMetered, EnergyBalanceAlerts, NoOutages, NominalVoltage,
            HttpsListen, TlsCert, TlsKey, BootstrapTokenFile, SessionKeyFile, ApprovalThreshold, ApprovalLifetime, NodeName, ConsumerTopUps];

    public void AddTo(Command command)
    {
        foreach (var option in All)
        {
            command.Options.Add(option);
        }
    }

    /// <summary>The node's options; a bad value is a <see cref="CommandException"/> with exit code 1 (usage).</summary>
    public HeadEndOptions ToHeadEndOptions(ParseResult result) => new()
    {
        Database = result.GetValue(Database)!,
        KeyProvider = result.GetValue(KeyProvider) == "pkcs11" ? KeyProviderKind.Pkcs11 : KeyProviderKind.File,
        KeyFile = result.GetValue(KeyEnvironment) is null ? result.GetValue(KeyFile) : null,
        CreateKeyFile = result.GetValue(CreateKeyFile),
        KeyEnvironmentVariable = result.GetValue(KeyEnvironment),
        Pkcs11Module = result.GetValue(Pkcs11Module)!,
        Pkcs11Token = result.GetValue(Pkcs11Token),
        Pkcs11PinEnvironmentVariable = result.GetValue(Pkcs11PinEnvironment),
        SystemTitle = Meterline.Dlms.Security.SystemTitle.TryParse(result.GetValue(SystemTitle), out _)
            ? result.GetValue(SystemTitle)!
            : throw new CommandException("--system-title is 16 hexadecimal digits", ExitCodes.Usage),
        ProfilesDirectory = ProfilesDirectory(result.GetValue(Profiles)),
        PushListeners = Endpoints(result.GetValue(Push) ?? [], "--push"),
        UdpPushListeners = Endpoints(result.GetValue(PushUdp) ?? [], "--push-udp"),
        CoapListeners = Endpoints(result.GetValue(CoapListen) ?? [], "--coap-listen"),
        WrapperPush = new WrapperPushReceiverOptions
        {
            UdpReceiveBufferSize = result.GetValue(PushUdpBuffer) is >= 4096 and var buffer ? buffer : throw new CommandException("--push-udp-buffer is at least 4096 bytes", ExitCodes.Usage),
            UdpQueueCapacity = result.GetValue(PushUdpQueue) is >= 1 and <= 1_000_000 and var queue ? queue : throw new CommandException("--push-udp-queue is 1 to 1000000", ExitCodes.Usage),
        },
        Connections = ToConnectionGateOptions(result),
        ZigbeeSerialPort = result.GetValue(ZigbeeSerial),
        ZigbeeBaudRate = result.GetValue(ZigbeeBaud) is >= 1200 and <= 1_000_000 and var baud ? baud : throw new CommandException("--zigbee-baud is 1200 to 1000000", ExitCodes.Usage),
        Backfill = result.GetValue(BackfillPeriod) is { } period
            ? Checked(new BackfillOptions { Period = period }, o => o.Validate(), "--backfill-period is a positive time span")
            : new BackfillOptions(),
        GapDetector = result.GetValue(BackfillLookBack) is { } lookBack
            ? Checked(new GapDetectorOptions { LookBack = lookBack }, o => o.Validate(), $"--backfill-lookback is 15 minutes to {GapDetectorOptions.MaxIntervals} intervals of 15 minutes")
            : new GapDetectorOptions(),
        Ingest = new IngestPipelineOptions
        {
            Guard = new IngressGuardOptions { Concentrators = Concentrators(result.GetValue(Concentrator) ?? []) },
            FollowerShare = result.GetValue(FollowerShare) is > 0 and <= 1 and var share ? share : throw new CommandException("--follower-share is above 0 and at most 1", ExitCodes.Usage),

            // A shared subscription commits a meter's pushes out of order over the nodes (docs/deployment.md).
            LoadCounterMarks = result.GetValue(MqttBroker) is null,
        },
        Northbound = Northbound(result),
        Mqtt = ToMqttOptions(result),
        Dispatcher = new CommandDispatcherOptions { NodeName = ToNodeName(result) },
        Tariffs = result.GetValue(Tariffs),
        AutoBilling = ToAutoBillingOptions(result),
        BootstrapTokenFile = result.GetValue(BootstrapTokenFile) ?? NodeDataFiles.BootstrapTokenFile(result.GetValue(Database)!),
        Analytics = result.GetValue(NoAnalytics) ? null : ToAnalyticsOptions(result),
        Prepaid = Prepaid.ToOptions(result),
        Outages = result.GetValue(NoOutages) ? null : new OutageOptions(),
        PowerQuality = result.GetValue(NoOutages) ? null : PowerQuality(result.GetValue(NominalVoltage)) with { WindowMemoryBudget = WindowMemory(result.GetValue(AnalyticsWindowMemory)) },
        Approvals = Checked(new Meterline.HeadEnd.Commands.Approvals.ApprovalOptions { Threshold = result.GetValue(ApprovalThreshold), Lifetime = result.GetValue(ApprovalLifetime) },
            o => o.Validate(), "--approval-threshold is at least 1 and --approval-lifetime 1 minute to 7 days"),
    };

    /// <summary>An on|off option's value: null when not given; a <see cref="CommandException"/> (usage) for anything else.</summary>
    internal static bool? OnOff(string? text, string option) => text switch
    {
        null => null,
        "on" => true,
        "off" => false,
        _ => throw new CommandException($"{option} is on or off", ExitCodes.Usage),
    };

    /// <summary>The connection gate's caps (every other limit of the gate keeps its default); a value out of range is a usage error.</summary>
    private ConnectionGateOptions ToConnectionGateOptions(ParseResult result)
    {
        var total = result.GetValue(MaxConnections) is >= 1 and <= MaxConnectionsLimit and var max
            ? max
            : throw new CommandException("--max-connections is 1 to 1000000", ExitCodes.Usage);
        return new ConnectionGateOptions
        {
            MaxConnections = total,
            MaxConnectionsPerAddress = result.GetValue(MaxConnectionsPerAddress) is >= 1 and var perAddress && perAddress <= total
                ? perAddress
                : throw new CommandException(string.Create(CultureInfo.InvariantCulture, $"--max-connections-per-address is 1 to --max-connections ({total})"), ExitCodes.Usage),
            MaxUnauthenticated = result.GetValue(MaxUnauthenticated) is >= 1 and var unauthenticated && unauthenticated <= total
                ? unauthenticated
                : throw new CommandException(string.Create(CultureInfo.InvariantCulture, $"--max-unauthenticated is 1 to --max-connections ({total})"), ExitCodes.Usage),
        };
    }

    /// <summary>Automatic billing when --auto-bill is given (with --tariffs); its delay and catch-up only with it.</summary>
    private AutoBillingOptions? ToAutoBillingOptions(ParseResult result)
    {
        if (!result.GetValue(AutoBill))
        {
            return result.GetValue(AutoBillDelay) is null && result.GetValue(AutoBillCatchUp) is null
                ? null
                : throw new CommandException("--auto-bill-delay and --auto-bill-catch-up need --auto-bill", ExitCodes.Usage);
        }

        if (result.GetValue(Tariffs) is null)
        {
            throw new CommandException("--auto-bill needs --tariffs (the tariffs to bill with)", ExitCodes.Usage);
        }

        var defaults = new AutoBillingOptions();
        return Checked(
            defaults with { Delay = result.GetValue(AutoBillDelay) ?? defaults.Delay, CatchUpMonths = result.GetValue(AutoBillCatchUp) ?? defaults.CatchUpMonths },
            o => o.Validate(),
            "--auto-bill-delay is 0 to 27 days and --auto-bill-catch-up 1 to 24 months");
    }

    /// <summary>The power quality options around the given nominal voltage; a bad value is a usage error.</summary>
    private static PowerQualityOptions PowerQuality(double? nominal) =>
        nominal is { } volts
            ? Checked(new PowerQualityOptions { NominalVoltage = volts }, o => o.Validate(), "--nominal-voltage is a positive voltage")
            : new PowerQualityOptions();

    /// <summary>The declared concentrators' quotas; a bad entry is a usage error.</summary>
    private static SourceQuota[] Concentrators(string[] given)
    {
        if (given.Length > IngressGuardOptions.MaxConcentrators)
        {
            throw new CommandException($"--concentrator: at most {IngressGuardOptions.MaxConcentrators}", ExitCodes.Usage);
        }

        return [.. given.Select(text =>
        {
            try
            {
                return SourceQuota.Parse(text);
            }
            catch (FormatException e)
            {
                throw new CommandException("--concentrator " + e.Message, ExitCodes.Usage);
            }
        })];
    }

    private MqttNodeOptions? ToMqttOptions(ParseResult result)
    {
        var listeners = Endpoints(result.GetValue(MqttListen) ?? [], "--mqtt-listen");
        Uri? broker = null;
        if (result.GetValue(MqttBroker) is { } text)
        {
            broker = Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "mqtt" or "mqtts" && !string.IsNullOrEmpty(uri.Host)
                ? uri
                : throw new CommandException($"--mqtt-broker {text}: expected mqtt://host:port or mqtts://host:port", ExitCodes.Usage);
            if (result.GetValue(MqttUsername) is null || result.GetValue(MqttPasswordEnv) is not { } variable || Environment.GetEnvironmentVariable(variable) is null)
            {
                throw new CommandException("--mqtt-broker needs --mqtt-username and --mqtt-password-env naming a set environment variable", ExitCodes.Usage);
            }
        }

        if (listeners.Count == 0 && broker is null)
        {
            return null;
        }

        var certificates = result.GetValue(MqttClientCerts) switch
        {
            "required" => MqttClientCertificateMode.Required,
            "optional" => MqttClientCertificateMode.Optional,
            _ => MqttClientCertificateMode.None,
        };
        if (certificates != MqttClientCertificateMode.None && result.GetValue(MqttTlsCert) is null)
        {
            throw new CommandException("--mqtt-client-certs needs --mqtt-tls-cert", ExitCodes.Usage);
        }

        return new MqttNodeOptions
        {
            Listeners = listeners,
            TlsCertificatePath = result.GetValue(MqttTlsCert),
            TlsKeyPath = result.GetValue(MqttTlsKey),
            ClientCertificates = certificates,
            ClientCertificateRootsPath = result.GetValue(MqttClientCa),
            ExternalBroker = broker,
            ExternalUserName = result.GetValue(MqttUsername),
            ExternalPasswordEnvironmentVariable = result.GetValue(MqttPasswordEnv),
            ShareGroup = result.GetValue(MqttShareGroup)!,
            ClientId = $"meterline-{result.GetValue(MqttUsername)}-{ToNodeName(result)}",
        };
    }

    /// <summary>--node-name, or the host name; letters, digits, '.', '-' and '_', at most 64.</summary>
    private string ToNodeName(ParseResult result)
    {
        var name = result.GetValue(NodeName) ?? Environment.MachineName;
        return name.Length is >= 1 and <= 64 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_')
            ? name
            : throw new CommandException($"--node-name {name}: 1 to 64 letters, digits, '.', '-' or '_'", ExitCodes.Usage);
    }

    public ServerOptions ToServerOptions(ParseResult result) => new()
    {
        Urls = result.GetValue(Listen) is { Length: > 0 } urls
            ? [.. urls.Select(u => Uri.TryCreate(u, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" ? u : throw new CommandException($"--listen {u}: not an http(s) URL", ExitCodes.Usage))]
            : throw new CommandException("--listen needs at least one URL", ExitCodes.Usage),
        MinimumLogLevel = Enum.Parse<Microsoft.Extensions.Logging.LogLevel>(result.GetValue(LogLevel)!, ignoreCase: true),
        LogFormat = Enum.Parse<Meterline.Server.Observability.LogFormat>(result.GetValue(LogFormat)!, ignoreCase: true),
        HttpsUrls = [.. (result.GetValue(HttpsListen) ?? []).Select(u => Uri.TryCreate(u, UriKind.Absolute, out var uri) && uri.Scheme == "https" ? u : throw new CommandException($"--https-listen {u}: not an https URL", ExitCodes.Usage))],
        TlsCertificateFile = (result.GetValue(HttpsListen) is { Length: > 0 }) == (result.GetValue(TlsCert) is not null && result.GetValue(TlsKey) is not null)
            ? ExistingFile(result.GetValue(TlsCert), "--tls-cert")
            : throw new CommandException("--https-listen goes with --tls-cert and --tls-key", ExitCodes.Usage),
        TlsKeyFile = ExistingFile(result.GetValue(TlsKey), "--tls-key"),
        Access = new Meterline.Server.Access.AccessServerOptions
        {
            SessionKeyFile = result.GetValue(SessionKeyFile) ?? NodeDataFiles.SessionKeyFile(result.GetValue(Database)!),
            CreateSessionKeyFile = true,
        },
        Portal = new Meterline.Web.Portal.PortalOptions { ConsumerTopUp = result.GetValue(ConsumerTopUps) },
    };

    /// <summary>The tariff file the demo bills with: tariffs/tariffs.json in the working directory, else the one installed beside meterline; null if neither exists.</summary>
    public static string? DemoTariffs() =>
        new[] { Path.Combine("tariffs", "tariffs.json"), Path.Combine(AppContext.BaseDirectory, "tariffs", "tariffs.json") }.FirstOrDefault(File.Exists);

    /// <summary>The profiles directory: as given; else ./profiles if it exists; else the one copied beside the executable.</summary>
    public static string ProfilesDirectory(string? given)
    {
        if (given is not null)
        {
            return Directory.Exists(given) ? given : throw new CommandException($"--profiles {given}: no such directory", ExitCodes.Usage);
        }

        return Directory.Exists("profiles") ? "profiles" : Path.Combine(AppContext.BaseDirectory, "profiles");
    }

    /// <summary>The northbound options when --amqp-uri is given; the password only ever from the environment.</summary>
    private AmqpNorthboundOptions? Northbound(ParseResult result)
    {
        if (result.GetValue(AmqpUri) is not { } text)
        {
            return result.GetValue(AmqpPasswordEnvironment) is null && result.GetValue(AmqpCa) is null && result.GetValue(AmqpClientCert) is null && result.GetValue(AmqpClientKey) is null
                ? null
                : throw new CommandException("--amqp-password-env, --amqp-ca, --amqp-client-cert and --amqp-client-key need --amqp-uri", ExitCodes.Usage);
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("amqp" or "amqps"))
        {
            throw new CommandException("--amqp-uri: expected amqp://user@host:5672/vhost or amqps://…", ExitCodes.Usage);
        }

        string? password = null;
        if (result.GetValue(AmqpPasswordEnvironment) is { } variable)
        {
            password = Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value
                ? value
                : throw new CommandException($"--amqp-password-env {variable}: the environment variable is not set", ExitCodes.Usage);
        }

        var publisher = new AmqpPublisherOptions
        {
            Uri = uri,
            Password = password,
            Exchange = result.GetValue(AmqpExchange)!,
            CaCertificatePath = ExistingFile(result.GetValue(AmqpCa), "--amqp-ca"),
            ClientCertificatePath = ExistingFile(result.GetValue(AmqpClientCert), "--amqp-client-cert"),
            ClientKeyPath = ExistingFile(result.GetValue(AmqpClientKey), "--amqp-client-key"),
        };
        try
        {
            publisher.Validate();
        }
        catch (ArgumentException e)
        {
            throw new CommandException("--amqp-uri / --amqp-exchange / --amqp-ca / --amqp-client-cert: " + e.Message, ExitCodes.Usage);
        }

        return new AmqpNorthboundOptions { Publisher = publisher };
    }

    private static string? ExistingFile(string? path, string option) =>
        path is null || File.Exists(path) ? path : throw new CommandException($"{option} {path}: no such file", ExitCodes.Usage);

    /// <summary>--analytics-window-memory in bytes (the default when not given); a <see cref="CommandException"/> (usage) out of range.</summary>
    /// <summary>
    /// The analytics thresholds: the <c>--analytics-config</c> file's (docs/analytics.md), else the defaults; then
    /// <c>--net-metered</c> adds serials and <c>--energy-balance-alerts</c> and <c>--analytics-window-memory</c>, when given,
    /// override. A file that cannot be read or is wrong is a usage error naming the place.
    /// </summary>
    private AnalyticsOptions ToAnalyticsOptions(ParseResult result)
    {
        AnalyticsOptions options;
        try
        {
            options = result.GetValue(AnalyticsConfig) is { } file ? AnalyticsOptionsFile.Load(file) : new AnalyticsOptions();
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            throw new CommandException("--analytics-config: " + e.Message, ExitCodes.Usage);
        }

        return options with
        {
            NetMeteredSerials = new HashSet<string>([.. options.NetMeteredSerials, .. result.GetValue(NetMetered) ?? []], StringComparer.Ordinal),
            EnergyBalance = options.EnergyBalance with { Alerts = OnOff(result.GetValue(EnergyBalanceAlerts), "--energy-balance-alerts") ?? options.EnergyBalance.Alerts },
            WindowMemoryBudget = result.GetValue(AnalyticsWindowMemory) is null ? options.WindowMemoryBudget : WindowMemory(result.GetValue(AnalyticsWindowMemory)),
        };
    }

    private static long WindowMemory(int? mebibytes) => mebibytes switch
    {
        null => new AnalyticsOptions().WindowMemoryBudget,
        >= 0 and <= 65_536 => mebibytes.Value * 1024L * 1024,
        _ => throw new CommandException("--analytics-window-memory is 0 to 65536 (MiB)", ExitCodes.Usage),
    };

    private static T Checked<T>(T options, Action<T> validate, string message)
    {
        try
        {
            validate(options);
            return options;
        }
        catch (ArgumentOutOfRangeException)
        {
            throw new CommandException(message, ExitCodes.Usage);
        }
    }

    private static List<IPEndPoint> Endpoints(string[] values, string name)
    {
        if (values is ["none"])
        {
            return [];
        }

        return [.. values.Select(v => IPEndPoint.TryParse(v, out var endpoint) && v.Contains(':', StringComparison.Ordinal)
            ? endpoint
            : throw new CommandException($"{name} {v}: expected address:port, e.g. 127.0.0.1:4059", ExitCodes.Usage))];
    }
}
