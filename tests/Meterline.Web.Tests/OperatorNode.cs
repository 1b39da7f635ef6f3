using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Meterline.HeadEnd.Access;
using Meterline.HeadEnd.Commands;
using Meterline.HeadEnd.Meters;
using Meterline.Server;
using Meterline.Server.Hosting;
using Meterline.Simulator.Fleet;
using Meterline.Simulator.Hosting;
using Meterline.Simulator.Push;
using Meterline.Simulator.Scenarios;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Meterline.Web.Tests;

/// <summary>
/// A whole head-end node (SQLite in a temporary directory, push listener and web app on 127.0.0.1, loops running)
/// with a real simulated fleet pushing to it over DLMS/TCP; the fleet's meters are imported through the API and
/// then placed on a small grid — two transformers on one feeder — through the meter registry. The node has an
/// operator, a viewer and a consumer user (<see cref="Operator"/>, <see cref="Viewer"/>, <see cref="Consumer"/>), each
/// with a random password of this run.
/// </summary>
internal sealed class OperatorNode : IAsyncDisposable
{
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    public static readonly DateTimeOffset FleetStart = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly WebApplication _app;
    private readonly CancellationTokenSource _stopFleet = new();
    private readonly Task _fleetRunning;
    private readonly string _directory;

    private OperatorNode(HeadEndNode node, WebApplication app, Uri address, FleetSimulator fleet, string directory)
    {
        Node = node;
        _app = app;
        Address = address;
        Fleet = fleet;
        _directory = directory;
        _fleetRunning = fleet.RunAsync(_stopFleet.Token);
    }

    public HeadEndNode Node { get; }

    public Uri Address { get; }

    public FleetSimulator Fleet { get; }

    public TestUser Operator { get; } = Users[0];

    public TestUser Viewer { get; } = Users[1];

    public TestUser Consumer { get; } = Users[2];

    /// <summary>A second operator, who approves the first one's bulk disconnects.</summary>
    public TestUser SecondOperator { get; } = Users[3];

    private static IReadOnlyList<TestUser> Users { get; } =
        [NewUser("operator1", AccessRole.Operator), NewUser("viewer1", AccessRole.Viewer), NewUser("consumer1", AccessRole.Consumer, "C-0001"), NewUser("operator2", AccessRole.Operator)];

    public static async Task<OperatorNode> StartAsync(int meters, double speed = 1, IReadOnlyList<Scenario>? scenarios = null,
        Func<HeadEndOptions, HeadEndOptions>? configure = null, ServerOptions? server = null)
    {
        var directory = Directory.CreateTempSubdirectory("meterline-web-").FullName;
        var root = RepositoryRoot();
        var options = new HeadEndOptions
        {
            Database = "Data Source=" + Path.Combine(directory, "hes.db"),
            KeyFile = Path.Combine(directory, "hes.kek"),
            CreateKeyFile = true,
            ProfilesDirectory = Path.Combine(root, "profiles"),
            PushListeners = [new IPEndPoint(IPAddress.Loopback, 0)],
            Scheduler = null,
            Backfill = null,
            Dispatcher = new CommandDispatcherOptions { PollInterval = TimeSpan.FromMilliseconds(200) },
            MeterRequestTimeout = TimeSpan.FromSeconds(10),
        };
        var node = await HeadEndNode.OpenAsync(configure?.Invoke(options) ?? options);
        WebApplication? app = null;
        FleetSimulator? fleet = null;
        try
        {
            app = ServerApplication.Build((server ?? new ServerOptions()) with { Urls = ["http://127.0.0.1:0"] }, node);
            await app.StartAsync();
            var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
            fleet = await FleetSimulator.StartAsync(new FleetSimulatorOptions
            {
                Meters = meters,
                Speed = speed,
                Start = FleetStart,
                Scenarios = scenarios ?? [],
                ProfilePath = Path.Combine(root, "profiles", "is15959-single-phase.json"),
                ProvisioningPath = Path.Combine(directory, "fleet.json"),
                StateDirectory = Path.Combine(directory, "state"),
                Hosting = new FleetHostOptions { ListenAddress = IPAddress.Loopback, Port = 0 },
                Push = new PushDestination(PushTransport.Tcp, node.PushEndpoints[0].Address.ToString(), node.PushEndpoints[0].Port),
            });
            var importer = await node.Access.CreateTokenAsync("web-tests", "web-tests-import", [AccessRole.Admin], null, null);
            await ImportAsync(address, importer.Text, await File.ReadAllTextAsync(fleet.ProvisioningPath));
            await PlaceOnGridAsync(node.Meters);
            foreach (var user in Users)
            {
                await node.Access.CreateUserAsync("web-tests", user.Name, user.Password, [user.Role], user.ConsumerId);
            }

            return new OperatorNode(node, app, address, fleet, directory);
        }
        catch
        {
            if (fleet is not null)
            {
                await fleet.DisposeAsync();
            }

            if (app is not null)
            {
                await app.StopAsync();
                await app.DisposeAsync();
            }

            await node.DisposeAsync();
            throw;
        }
    }

    public static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Meterline.slnx")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Meterline.slnx not found above the test directory");
    }

    public async ValueTask DisposeAsync()
    {
        await _stopFleet.CancelAsync();
        await _fleetRunning.WaitAsync(Bound);
        await Fleet.DisposeAsync();
        _stopFleet.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        await Node.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still open elsewhere: the temporary directory is left behind, the test's result stands.
        }
    }

    private static TestUser NewUser(string name, AccessRole role, string? consumerId = null) =>
        new(name, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12)), role, consumerId);

    private static async Task ImportAsync(Uri address, string token, string provisioning)
    {
        using var client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/meters/import") { Content = new StringContent(provisioning, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await client.SendAsync(request);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>
    /// Meters alternate between two transformers on feeder F1, each transformer's meters on a ring around it (so that
    /// none stands where the map draws the transformer, at its meters' centroid), near a point in Pune.
    /// </summary>
    private static async Task PlaceOnGridAsync(IMeterRepository meters)
    {
        var index = 0;
        await foreach (var meter in meters.ReadAllAsync())
        {
            var transformer = index % 2 == 0 ? "T1" : "T2";
            var angle = (index / 2) * 2 * Math.PI / 3;
            var location = new GeoLocation(18.52 + (index % 2 * 0.006) + (0.002 * Math.Sin(angle)), 73.85 + (index % 2 * 0.004) + (0.002 * Math.Cos(angle)));
            await meters.UpdateRegistrationAsync(meter.Id, new MeterRegistration(
                meter.Serial, meter.SystemTitle, meter.ProfileId, meter.ConsumerId, location, transformer, "F1", meter.Endpoint, meter.SecurityLevel));
            index++;
        }
    }
}
