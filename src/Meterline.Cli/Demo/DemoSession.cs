using System.Net;
using System.Net.Sockets;
using Meterline.Cli.Dlms;
using Meterline.Cli.Serve;
using Meterline.HeadEnd.Audit;
using Meterline.HeadEnd.Ingest;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Mqtt.Node;
using Meterline.HeadEnd.Provisioning;
using Meterline.Server;
using Meterline.Server.Hosting;
using Meterline.Simulator.Fleet;
using Meterline.Simulator.Hosting;
using Meterline.Simulator.Push;
using Meterline.Simulator.Radio;
using Meterline.Simulator.Scenarios;
using Meterline.Zigbee;
using Microsoft.AspNetCore.Builder;

namespace Meterline.Cli.Demo;

/// <summary>
/// The whole demo in one process: a <see cref="HeadEndNode"/> on SQLite in the data directory (file key provider),
/// its web API, a push receiver on a free loopback port, a simulated fleet on an accelerated clock pushing to it
/// (over DLMS/TCP, and the last meters over Zigbee through the emulated coordinator on a pty, which the node opens as
/// its local coordinator with <see cref="HeadEndNode.AttachZigbeeAsync"/>; a share as MQTT clients of the node's
/// embedded broker on a free loopback port, and a share over CoAP to the node's CoAP ingress, served back by the
/// fleet's CoAP server), and the <see cref="DemoStory"/>.
/// <para>
/// Time: the meters run on the fleet's <see cref="Simulator.Time.AcceleratedTimeProvider"/>, which starts where the
/// last run stopped (or now) and runs <see cref="DemoOptions.Speed"/> times faster than real time; the head-end runs on
/// the real clock. Nothing in ingest refuses a reading dated ahead of the head-end's clock (the ingress guard judges
/// frames by size, rate, system title, invocation counter and protection, never by their time), so readings are
/// stored with the meters' simulated times; command deadlines, request time-outs and rate limits stay in real time.
/// What compares stored times with the head-end's clock is turned off: gap detection and back-fill (they would take
/// the hours before the simulation for gaps) and the read scheduler (every meter pushes). The per-meter rate limit is
/// raised with the speed, as a meter pushes <see cref="DemoOptions.Speed"/> times as often in real time.
/// </para>
/// </summary>
internal sealed class DemoSession : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private Task? _running;
    private int _stopped;

    private DemoSession(DemoOptions options, DemoDataDirectory data, HeadEndNode node)
    {
        Options = options;
        Data = data;
        Node = node;
    }

    public DemoOptions Options { get; }

    public DemoDataDirectory Data { get; }

    public HeadEndNode Node { get; }

    public FleetSimulator Fleet { get; private set; } = null!;

    public WebApplication App { get; private set; } = null!;

    /// <summary>The pseudo-terminal of the emulated coordinator the node holds open, when there are Zigbee meters.</summary>
    public string? ZigbeeDevice { get; private set; }

    public DemoStory Story { get; private set; } = null!;

    /// <summary>What the provisioning import did.</summary>
    public ProvisioningImportReport Import { get; private set; } = null!;

    /// <summary>Registered meters whose endpoint was changed to where the fleet listens now.</summary>
    public int Repointed { get; private set; }

    public int MetersRegistered { get; private set; }

    /// <summary>The web API's base URL as bound (the port the system chose for port 0).</summary>
    public Uri ApiAddress { get; private set; } = null!;

    /// <summary>The web API over HTTPS (the demo's self-signed certificate), when <see cref="DemoOptions.HttpsListen"/> is set.</summary>
    public Uri? HttpsAddress { get; private set; }

    /// <summary>The password of the demo's <c>admin</c> user (<see cref="DemoLogin"/>), when known.</summary>
    public string? AdminPassword { get; private set; }

    /// <summary>The bootstrap admin API token file beside the database (docs/access.md).</summary>
    public string TokenFile => System.IO.Path.Combine(Data.Path, "meterline.admin-token");

    /// <summary>Opens the node, starts the fleet, imports its provisioning file and starts the web API; nothing runs yet.</summary>
    public static async Task<DemoSession> StartAsync(DemoOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        DemoDataDirectory data;
        try
        {
            data = DemoDataDirectory.Prepare(options.DataDirectory, options.Fresh);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CommandException($"--data {options.DataDirectory}: {e.Message}", ExitCodes.Failed);
        }

        var node = await ServeCommand.OpenNodeAsync(HeadEndOptionsFor(options, data), cancellationToken).ConfigureAwait(false);
        var session = new DemoSession(options, data, node);
        try
        {
            await session.StartPartsAsync(cancellationToken).ConfigureAwait(false);
            return session;
        }
        catch
        {
            await session.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The node's options: SQLite and the key file in the data directory, a free loopback push port, real time.</summary>
    private static HeadEndOptions HeadEndOptionsFor(DemoOptions options, DemoDataDirectory data)
    {
        options.Validate();
        var guard = new IngressGuardOptions();
        return new HeadEndOptions
        {
            Database = data.Database,
            KeyFile = data.KeyFile,
            BootstrapTokenFile = System.IO.Path.Combine(data.Path, "meterline.admin-token"),
            CreateKeyFile = true,
            ProfilesDirectory = options.ProfilesDirectory,
            Tariffs = ServeOptions.DemoTariffs(),
            PushListeners = [new IPEndPoint(IPAddress.Loopback, 0)],
            CoapListeners = options.CoapMeters > 0 ? [new IPEndPoint(IPAddress.Loopback, 0)] : [],
            Mqtt = options.MqttMeters > 0 ? new MqttNodeOptions { Listeners = [new IPEndPoint(IPAddress.Loopback, 0)] } : null,
            // Every MQTT meter is a connection from loopback, besides the fleet's one DLMS/TCP push connection.
            Connections = new ConnectionGateOptions { MaxConnectionsPerAddress = Math.Max(new ConnectionGateOptions().MaxConnectionsPerAddress, options.MqttMeters + 16) },
            Ingest = new IngestPipelineOptions
            {
                Guard = guard with { PerMeter = guard.PerMeter with { RatePerSecond = guard.PerMeter.RatePerSecond * Math.Max(1, options.Speed / 60) } },
            },
            Scheduler = null,
            Backfill = null,

            // The demo's small fleet can afford a frequency read of every meter each minute (frequency excursions, docs/outages.md).
            PowerQuality = new Meterline.HeadEnd.PowerQuality.PowerQualityOptions { FrequencyReadPeriod = TimeSpan.FromMinutes(1) },

            // The fleet's clock runs ahead of the head-end's: intervals dated "ahead" are the demo's design, not a clock fault.
            Analytics = new Meterline.HeadEnd.Analytics.AnalyticsOptions { Clock = new Meterline.HeadEnd.Analytics.Rules.ClockAnomalyOptions { FutureTolerance = null } },
        };
    }

    /// <summary>Runs the fleet and the story until <see cref="StopAsync"/> or <paramref name="cancellationToken"/>.</summary>
    public void Run(CancellationToken cancellationToken)
    {
        if (_running is not null || Volatile.Read(ref _stopped) != 0)
        {
            throw new InvalidOperationException("The demo runs once.");
        }

        var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stop.Token);
        var token = linked.Token;
        _running = RunAllAsync(linked, token);
    }

    /// <summary>A snapshot for the live status.</summary>
    public DemoStatus Snapshot() => new(
        Story.Elapsed,
        Fleet.Time.GetUtcNow(),
        MetersRegistered,
        Story.MetersReporting,
        Story.ReadingsStored,
        Story.Events,
        Story.TamperAlarms,
        Node.Pipeline.Metrics.RejectedTotal,
        Node.Zigbee?.PushAdapter.Queued,
        Story.Command);

    /// <summary>
    /// Stops the fleet (saving every meter, and the simulated clock when it ran) then the web
    /// host and the node's services. Idempotent.
    /// </summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            if (_running is not null)
            {
                await _running.ConfigureAwait(false);
                Data.WriteClock(Fleet.Time.GetUtcNow());
            }
        }
        finally
        {
            if (App is not null)
            {
                await App.StopAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync().ConfigureAwait(false);
        }
        finally
        {
            Story?.Dispose();
            if (App is not null)
            {
                await App.DisposeAsync().ConfigureAwait(false);
            }

            if (Fleet is not null)
            {
                await Fleet.DisposeAsync().ConfigureAwait(false);
            }

            await Node.DisposeAsync().ConfigureAwait(false);
            _stop.Dispose();
        }
    }

    private async Task StartPartsAsync(CancellationToken cancellationToken)
    {
        var options = Options;
        var push = Node.PushEndpoints[0];
        var start = StartInstant(Data.ReadClock(), TimeProvider.System.GetUtcNow());
        var fleetOptions = new FleetSimulatorOptions
        {
            Meters = options.Meters,
            Speed = options.Speed,
            Start = start,
            ProfilePath = Path.Combine(options.ProfilesDirectory, DemoOptions.ProfileFile),
            ProvisioningPath = Data.Provisioning,
            StateDirectory = Data.StateDirectory,
            Hosting = new FleetHostOptions { ListenAddress = IPAddress.Loopback, Port = 0 },
            Push = new PushDestination(PushTransport.Tcp, push.Address.ToString(), push.Port),
            Shares = Shares(options, Node),
            Scenarios = [TamperScenario(options, start)],
            Radio = options.ZigbeeMeters > 0 ? new ZigbeeFleetOptions { Meters = options.ZigbeeMeters } : null,
            Topology = DemoOptions.Topology,
        };
        try
        {
            Fleet = await FleetSimulator.StartAsync(fleetOptions, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SocketException or InvalidDataException or IOException or UnauthorizedAccessException or System.Text.Json.JsonException)
        {
            throw new CommandException("cannot start the simulated fleet: " + e.Message, ExitCodes.Failed);
        }

        try
        {
            Import = await Node.Provisioner.ImportFileAsync(Fleet.ProvisioningPath, DemoOptions.Actor, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException e)
        {
            throw new CommandException("cannot import the fleet's provisioning file: " + e.Message, ExitCodes.Failed);
        }

        Repointed = await RepointAsync(cancellationToken).ConfigureAwait(false);
        MetersRegistered = await Node.Meters.CountAsync(cancellationToken).ConfigureAwait(false);
        if (Fleet.Radio is { } radio)
        {
            try
            {
                await Node.AttachZigbeeAsync(radio.DevicePath, XBeeSerialPort.DefaultBaudRate, cancellationToken).ConfigureAwait(false);
                ZigbeeDevice = radio.DevicePath;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new CommandException($"cannot open the Zigbee coordinator on {radio.DevicePath}: {e.Message}", ExitCodes.Failed);
            }
        }

        Story = await DemoStory.StartAsync(Node, Fleet.Time, TimeProvider.System, Fleet.Meters.Count, cancellationToken).ConfigureAwait(false);
        AdminPassword = await DemoLogin.EnsureAsync(Node.Access, Data.Path, cancellationToken).ConfigureAwait(false);
        var serverOptions = new ServerOptions
        {
            Urls = [options.Listen],
            MinimumLogLevel = options.LogLevel,
            Access = new Meterline.Server.Access.AccessServerOptions { SessionKeyFile = System.IO.Path.Combine(Data.Path, "session-key"), CreateSessionKeyFile = true },
        };
        if (options.HttpsListen is { } https)
        {
            var (certificate, key) = DemoCertificate.Ensure(Data.Path, TimeProvider.System);
            serverOptions = serverOptions with { HttpsUrls = [https], TlsCertificateFile = certificate, TlsKeyFile = key };
        }

        App = ServerApplication.Build(serverOptions, Node);
        try
        {
            await App.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            // Kestrel names the address it could not bind (e.g. a port another program holds).
            var choose = options.HttpsListen is null ? "choose another with --listen" : "choose others with --listen and --https-listen URL, or --https-listen none";
            throw new CommandException($"cannot serve the web API on {string.Join(" and ", serverOptions.Urls.Concat(serverOptions.HttpsUrls))}: {e.Message} ({choose})", ExitCodes.Failed);
        }

        ApiAddress = new Uri(App.Urls.First(u => u.StartsWith("http:", StringComparison.Ordinal)));
        HttpsAddress = App.Urls.FirstOrDefault(u => u.StartsWith("https:", StringComparison.Ordinal)) is { } secure ? new Uri(secure) : null;
    }

    /// <summary>The MQTT meters push to the node's embedded broker, the CoAP meters to its CoAP ingress.</summary>
    private static List<FleetTransportShare> Shares(DemoOptions options, HeadEndNode node)
    {
        var shares = new List<FleetTransportShare>();
        if (options.MqttMeters > 0 && node.Mqtt?.Broker is { } broker)
        {
            var endpoint = broker.Endpoints[0];
            shares.Add(new FleetTransportShare(new PushDestination(PushTransport.Mqtt, endpoint.Address.ToString(), endpoint.Port), options.MqttMeters));
        }

        if (options.CoapMeters > 0)
        {
            var endpoint = node.CoapEndpoints[0];
            shares.Add(new FleetTransportShare(new PushDestination(PushTransport.Coap, endpoint.Address.ToString(), endpoint.Port), options.CoapMeters));
        }

        return shares;
    }

    /// <summary>
    /// Points registered meters at the endpoints the provisioning file gives now (the fleet's port is chosen afresh at
    /// every start, and a meter may have moved between DLMS/TCP and Zigbee); each change is audited.
    /// </summary>
    private async Task<int> RepointAsync(CancellationToken cancellationToken)
    {
        var changed = 0;
        using var file = ProvisioningFileReader.Read(Fleet.ProvisioningPath);
        foreach (var entry in file.Meters)
        {
            var wanted = entry.Registration.Endpoint;
            if (await Node.Meters.FindBySerialAsync(entry.Registration.Serial, cancellationToken).ConfigureAwait(false) is not { } meter
                || string.Equals(meter.Endpoint?.ToString(), wanted?.ToString(), StringComparison.Ordinal))
            {
                continue;
            }

            await Node.Audit.AppendAsync(DemoOptions.Actor, "meter.endpoint.changed", meter.Serial, new AuditDetail()
                .Add("from", meter.Endpoint?.ToString() ?? "none").Add("to", wanted?.ToString() ?? "none").ToString(), cancellationToken).ConfigureAwait(false);
            await Node.Meters.UpdateRegistrationAsync(meter.Id, new MeterRegistration(
                meter.Serial, meter.SystemTitle, meter.ProfileId, meter.ConsumerId, meter.Location, meter.TransformerId, meter.FeederId, wanted, meter.SecurityLevel), cancellationToken).ConfigureAwait(false);
            changed++;
        }

        return changed;
    }

    private async Task RunAllAsync(CancellationTokenSource linked, CancellationToken token)
    {
        using (linked)
        {
            var story = Story.RunAsync(token);
            var fleet = Fleet.RunAsync(token);
            await Task.WhenAll(fleet, story).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Where the simulated clock starts: from where the last run stopped, or from now when that is later, moved on to
    /// three minutes before a quarter hour — so the first 15-minute interval closes three simulated minutes in, and a
    /// resumed clock never goes back.
    /// </summary>
    internal static DateTimeOffset StartInstant(DateTimeOffset? saved, DateTimeOffset now)
    {
        var from = saved is { } last && last > now ? last : now;
        var quarter = TimeSpan.FromMinutes(15).Ticks;
        var lead = TimeSpan.FromMinutes(3);
        var next = new DateTimeOffset(from.UtcTicks - (from.UtcTicks % quarter) + quarter, TimeSpan.Zero);
        return next - lead >= from ? next - lead : next + TimeSpan.FromTicks(quarter) - lead;
    }

    /// <summary>A magnet on the first meter (always on DLMS/TCP) <see cref="DemoOptions.TamperAfter"/> of real time into the run, for half an hour of simulated time.</summary>
    private static Scenario TamperScenario(DemoOptions options, DateTimeOffset start) =>
        new(ScenarioKind.Magnet, new MeterRange(DemoOptions.TamperedMeter, DemoOptions.TamperedMeter), start + (options.TamperAfter * options.Speed), TimeSpan.FromMinutes(30));
}
