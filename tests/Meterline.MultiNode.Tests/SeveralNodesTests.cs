using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Meterline.CrashSafety.Tests;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Readings;
using Meterline.Server.Hosting;
using Meterline.Simulator.Fleet;
using Meterline.Simulator.Provisioning;
using Meterline.Simulator.Push;
using Meterline.Storage.Tests.Postgres;
using Npgsql;
using Xunit.Abstractions;

namespace Meterline.MultiNode.Tests;

/// <summary>
/// Three real <c>meterline serve</c> nodes on one private PostgreSQL database and one private mosquitto, consuming
/// the meters' uplink through the shared subscription <c>$share/meterline/meterline/+/up</c>, with simulated meters
/// pushing at QoS 1 (docs/deployment.md, "Several nodes").
/// <para>
/// What a meter's push being <b>acknowledged</b> means here: mosquitto sent the meter a Success PUBACK, so the push is
/// the broker's to deliver — the meter forgets it. The broker hands it to one node's session and keeps it until that
/// node acknowledges it (after its commit). mosquitto 2.0 keeps dealing a shared subscription's messages to a node's
/// session while the node is away (its session persists: clean start off, expiry 1 h) and redelivers them, with those the
/// node held unacknowledged, only to that session — so a node killed with SIGKILL must come back under the same name
/// (systemd restarts it) for its share to be stored; the other nodes go on storing theirs meanwhile.
/// </para>
/// </summary>
public sealed class SeveralNodesTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int FleetSize = 12;

    /// <summary>A 15-minute interval every 3 s: one meter's pushes stay within its ingress quota (burst 30, 0.2/s) for the run.</summary>
    private const double Speed = 300;

    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(15);
    private static readonly TimeSpan ProcessTimeout = TimeSpan.FromSeconds(90);
    private static readonly string[] NodeNames = ["node-a", "node-b", "node-c"];
    private readonly PostgresCluster _postgres = new();
    private readonly string _directory = Directory.CreateTempSubdirectory("meterline-multinode-").FullName;

    public Task InitializeAsync() => _postgres.InitializeAsync();

    public async Task DisposeAsync()
    {
        await _postgres.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task ThreeNodes_SharedDatabaseAndBroker_StoreEveryPushOnceRunCommandsFromAnyNodeAndSurviveAKill()
    {
        using var bound = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var token = bound.Token;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var database = await _postgres.CreateDatabaseAsync(token);
        var keyFile = Path.Combine(_directory, "hes.kek");
        var tokenFile = Path.Combine(_directory, "admin-token");

        // The meters' keys and MQTT passwords first: the broker's password file needs them, the fleet reuses them.
        var provisioningPath = Path.Combine(_directory, "fleet.json");
        var provisioning = FleetProvisioning.Create(new FleetLayout { Meters = FleetSize, ProfileId = "is15959-single-phase" });
        FleetProvisioningFile.Write(provisioningPath, provisioning);
        await using var broker = await PrivateMosquitto.StartAsync(provisioning.Meters.Select(m => (new MeterSystemTitle(m.SystemTitle.Value), m.MqttPassword!)));

        var start = new DateTimeOffset((DateTimeOffset.UtcNow - TimeSpan.FromDays(20)).UtcDateTime.Date, TimeSpan.Zero);
        await using var fleet = await FleetSimulator.StartAsync(FleetOptions(start, provisioningPath, broker.Port), token);
        var built = FloorToInterval(fleet.Time.GetUtcNow());

        // This process's own node (no listeners, no loops) migrates the database, provisions the fleet and writes the
        // admin token, as an installer would before starting the nodes.
        await using (var console = await HeadEndNode.OpenAsync(ConsoleOptions(database, keyFile, tokenFile), token))
        {
            var import = await console.Provisioner.ImportFileAsync(fleet.ProvisioningPath, "multinode-test", token);
            Assert.Equal(FleetSize, import.Added);
        }

        // Every node gets a copy of one session key file (docs/access.md, "Sessions on several nodes").
        Meterline.Server.Access.SessionKeyEncryptionKey.Open(Path.Combine(_directory, "hes.session-key"), create: true).Dispose();
        var nodes = new Dictionary<string, (ServeProcess Process, Uri Api)>();
        using var stopFleet = CancellationTokenSource.CreateLinkedTokenSource(token);
        var fleetRun = fleet.RunAsync(stopFleet.Token);
        try
        {
            var started = await Task.WhenAll(NodeNames.Select(name => StartNodeAsync(name, database, keyFile, broker)));
            foreach (var node in started)
            {
                nodes[node.Process.Name] = node;
            }

            output.WriteLine($"{clock.Elapsed.TotalSeconds:F0} s: three nodes up");
            await UntilAsync(async () => await CountAsync(database, "SELECT count(DISTINCT meter) FROM readings", token) == FleetSize, "readings of every meter", nodes, token);

            // A disconnect asked through each node's API, for three meters: whichever node's dispatcher claims it
            // publishes on the meter's down topic and takes the answer from its up topic.
            using var http = new HttpClient();
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", (await File.ReadAllLinesAsync(tokenFile, token))[0].Trim());
            for (var i = 0; i < NodeNames.Length; i++)
            {
                var via = NodeNames[i];
                var meter = i;

                // A meter may refuse an association while another node's session with it is open (docs/deployment.md,
                // "Sessions with one meter from several nodes"): such a command fails as transient and is asked again.
                var outcome = "not asked";
                for (var attempt = 1; attempt <= 3 && outcome != "Confirmed"; attempt++)
                {
                    var id = await AskDisconnectAsync(http, nodes[via].Api, provisioning.Meters[meter].Id, token);
                    await UntilAsync(async () => (outcome = await StateViaAsync(http, nodes[via].Api, id, token) ?? "unknown") is "Confirmed" or "Failed" or "TimedOut", $"command {id} (asked via {via}) finished", nodes, token);
                    output.WriteLine($"disconnect {id} asked via {via}, sent by {await SentByAsync(database, id, token)}: {outcome}");
                }

                Assert.Equal("Confirmed", outcome);
                Assert.Equal(Meterline.Meter.Control.DisconnectControlState.Disconnected, fleet.Meters[meter].Meter.Relay.ControlState);
            }

            // SIGKILL one node while the meters push: the others go on storing their share of the uplink.
            var victim = nodes[NodeNames[2]];
            await victim.Process.KillHardAsync(ProcessTimeout);
            var atKill = await CountAsync(database, "SELECT count(*) FROM readings", token);
            await UntilAsync(async () => await CountAsync(database, "SELECT count(*) FROM readings", token) >= atKill + (FleetSize * 8), "readings go on being stored by the two nodes left", nodes, token);
            output.WriteLine($"{clock.Elapsed.TotalSeconds:F0} s: {atKill} readings at the kill; storing went on without {victim.Process.Name}");

            // It comes back under its name (as systemd restarts it): mosquitto hands its session's messages over.
            nodes[victim.Process.Name] = await StartNodeAsync(victim.Process.Name, database, keyFile, broker);
            await victim.Process.DisposeAsync();
            var end = FloorToInterval(fleet.Time.GetUtcNow()) - Interval;
            var expected = (long)FleetSize * (long)((end - built) / Interval);
            var range = string.Create(CultureInfo.InvariantCulture,
                $"FROM readings WHERE quantity = {Quantity.BlockImportEnergy.Code} AND time > '{built:O}' AND time <= '{end:O}'");
            output.WriteLine($"{clock.Elapsed.TotalSeconds:F0} s: {victim.Process.Name} back");
            long stored = 0;
            await UntilAsync(async () => (stored = await CountAsync(database, "SELECT count(*) " + range, token)) == expected, () => $"all {expected} intervals of ({built:u}, {end:u}] stored (last count {stored})", nodes, token);
            output.WriteLine($"{clock.Elapsed.TotalSeconds:F0} s: every interval stored");

            Assert.Equal(expected, await CountAsync(database, "SELECT count(*) " + range, token));
            Assert.Equal(0, await CountAsync(database, $"SELECT count(*) {range} AND (quality & {(int)ReadingQuality.BackFilled}) <> 0", token));
            Assert.Equal(0, fleet.Meters.Sum(m => m.Meter.ClientCounterRefusals));
            var senders = await CountAsync(database, "SELECT count(DISTINCT sent_by) FROM commands", token);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{expected} intervals of {FleetSize} meters stored once, none back-filled; {fleet.Mqtt!.Sent} pushes acknowledged by the broker; commands sent by {senders} node(s)"));
        }
        finally
        {
            foreach (var (process, _) in nodes.Values)
            {
                await process.DisposeAsync();
            }

            await stopFleet.CancelAsync();
            await fleetRun.WaitAsync(TimeSpan.FromSeconds(30), CancellationToken.None);
        }
    }

    private async Task<(ServeProcess Process, Uri Api)> StartNodeAsync(string name, string database, string keyFile, PrivateMosquitto broker)
    {
        var directory = Directory.CreateDirectory(Path.Combine(_directory, name)).FullName;
        var api = new Uri("http://127.0.0.1:" + FreePort.Next().ToString(CultureInfo.InvariantCulture));
        string[] arguments =
        [
            "--db", database,
            "--key-file", keyFile,
            "--session-key-file", Path.Combine(_directory, "hes.session-key"),
            "--profiles", RepositoryPaths.Profiles,
            "--push", "none",
            "--listen", api.ToString().TrimEnd('/'),
            "--log-level", "warning",
            "--node-name", name,
            "--mqtt-broker", "mqtt://127.0.0.1:" + broker.Port.ToString(CultureInfo.InvariantCulture),
            "--mqtt-username", PrivateMosquitto.NodeUser,
            "--mqtt-password-env", "METERLINE_TEST_MQTT_PASSWORD",
            "--no-analytics",
            "--no-outages",
        ];
        var process = await ServeProcess.StartAsync(arguments, directory, ProcessTimeout, new Dictionary<string, string> { ["METERLINE_TEST_MQTT_PASSWORD"] = broker.NodePassword }, name);
        return (process, api);
    }

    private static FleetSimulatorOptions FleetOptions(DateTimeOffset start, string provisioningPath, int brokerPort) => new()
    {
        Meters = FleetSize,
        Speed = Speed,
        Start = start,
        ProfilePath = Path.Combine(RepositoryPaths.Profiles, "is15959-single-phase.json"),
        ProvisioningPath = provisioningPath,
        StateDirectory = Path.Combine(Path.GetDirectoryName(provisioningPath)!, "meters"),
        Hosting = new Simulator.Hosting.FleetHostOptions { Port = 0 },
        Push = new PushDestination(PushTransport.Mqtt, "127.0.0.1", brokerPort),
    };

    private static HeadEndOptions ConsoleOptions(string database, string keyFile, string tokenFile) => new()
    {
        Database = database,
        KeyFile = keyFile,
        CreateKeyFile = true,
        ProfilesDirectory = RepositoryPaths.Profiles,
        PushListeners = [],
        Scheduler = null,
        Backfill = null,
        BootstrapTokenFile = tokenFile,
    };

    private static async Task<string?> StateViaAsync(HttpClient http, Uri api, long id, CancellationToken token)
    {
        using var answer = await http.GetAsync(new Uri(api, $"/api/commands/{id}"), token);
        if (!answer.IsSuccessStatusCode)
        {
            return null;
        }

        using var body = JsonDocument.Parse(await answer.Content.ReadAsStringAsync(token));
        return body.RootElement.GetProperty("state").GetString();
    }

    private static async Task<long> AskDisconnectAsync(HttpClient http, Uri api, string serial, CancellationToken token)
    {
        using var answer = await http.PostAsJsonAsync(new Uri(api, "/api/commands"), new { meter = serial, kind = "disconnect" }, token);
        var text = await answer.Content.ReadAsStringAsync(token);
        Assert.True(answer.IsSuccessStatusCode, $"POST /api/commands via {api}: {(int)answer.StatusCode} {text}");
        using var body = JsonDocument.Parse(text);
        return body.RootElement.GetProperty("id").GetInt64();
    }

    private static async Task<long> CountAsync(string database, string sql, CancellationToken token)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync(token);
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(token), CultureInfo.InvariantCulture);
    }

    private static async Task<string?> SentByAsync(string database, long id, CancellationToken token)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync(token);
        await using var command = new NpgsqlCommand("SELECT sent_by FROM commands WHERE id = @id", connection);
        command.Parameters.AddWithValue("id", id);
        return await command.ExecuteScalarAsync(token) as string;
    }

    private static Task UntilAsync(Func<Task<bool>> condition, string what, Dictionary<string, (ServeProcess Process, Uri Api)> nodes, CancellationToken token) =>
        UntilAsync(condition, () => what, nodes, token);

    private static async Task UntilAsync(Func<Task<bool>> condition, Func<string> what, Dictionary<string, (ServeProcess Process, Uri Api)> nodes, CancellationToken token)
    {
        try
        {
            while (!await condition())
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250), token);
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            Assert.Fail($"Not in time: {what()}; the nodes said:{Environment.NewLine}{string.Join(Environment.NewLine, nodes.Values.Select(n => $"[{n.Process.Name}] {n.Process.RecentOutput}"))}");
        }
    }

    private static DateTimeOffset FloorToInterval(DateTimeOffset time) => new(time.UtcTicks - (time.UtcTicks % Interval.Ticks), TimeSpan.Zero);
}
