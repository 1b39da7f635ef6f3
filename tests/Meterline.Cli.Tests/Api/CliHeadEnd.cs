using System.Net;
using Meterline.HeadEnd.Commands;
using Meterline.Server;
using Meterline.Server.Hosting;
using Meterline.Simulator.Fleet;
using Meterline.Simulator.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Meterline.Cli.Tests.Api;

/// <summary>
/// What the CLI talks to in these tests: a real head-end node (SQLite in a temporary directory, a key file) with its
/// API on Kestrel at 127.0.0.1 and its loops running, and a real simulated fleet of meters serving DLMS/TCP on
/// 127.0.0.1, whose provisioning file the tests import through the CLI.
/// </summary>
public sealed class CliHeadEnd : IAsyncLifetime
{
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);

    private readonly string _directory = Directory.CreateTempSubdirectory("meterline-cli-api-").FullName;
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _importing = new(1, 1);
    private bool _imported;
    private WebApplication? _app;
    private Task _fleetRunning = Task.CompletedTask;

    public HeadEndNode Node { get; private set; } = null!;

    public FleetSimulator Fleet { get; private set; } = null!;

    /// <summary>The API's base address, for --server.</summary>
    public string Server { get; private set; } = null!;

    public string DatabasePath => Path.Combine(_directory, "hes.db");

    public string KeyFilePath => Path.Combine(_directory, "hes.kek");

    /// <summary>The bootstrap admin API token the node wrote at its first start.</summary>
    public string TokenFilePath => Path.Combine(_directory, "hes.admin-token");

    /// <summary>The bootstrap admin API token, for --token.</summary>
    public string Token { get; private set; } = null!;

    public string ProvisioningPath => Fleet.ProvisioningPath;

    public async Task InitializeAsync()
    {
        var profiles = Path.Combine(AppContext.BaseDirectory, "profiles");
        Node = await HeadEndNode.OpenAsync(new HeadEndOptions
        {
            Database = "Data Source=" + DatabasePath,
            KeyFile = KeyFilePath,
            CreateKeyFile = true,
            ProfilesDirectory = profiles,
            PushListeners = [new IPEndPoint(IPAddress.Loopback, 0)],
            Scheduler = null,
            Backfill = null,
            Dispatcher = new CommandDispatcherOptions { PollInterval = TimeSpan.FromMilliseconds(200) },
            BootstrapTokenFile = TokenFilePath,
        });
        Token = (await File.ReadAllTextAsync(TokenFilePath)).Trim();
        _app = ServerApplication.Build(new ServerOptions { Urls = ["http://127.0.0.1:0"] }, Node);
        await _app.StartAsync();
        Server = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Fleet = await FleetSimulator.StartAsync(new FleetSimulatorOptions
        {
            Meters = 5,
            Speed = 1,
            Start = new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero),
            ProfilePath = Path.Combine(profiles, "is15959-single-phase.json"),
            ProvisioningPath = Path.Combine(_directory, "fleet.json"),
            StateDirectory = Path.Combine(_directory, "state"),
            Hosting = new FleetHostOptions { ListenAddress = IPAddress.Loopback, Port = 0 },
        });
        _fleetRunning = Fleet.RunAsync(_stop.Token);
    }

    /// <summary>Imports the fleet's provisioning file into the node once (directly, not through the CLI).</summary>
    public async Task EnsureImportedAsync()
    {
        await _importing.WaitAsync();
        try
        {
            if (!_imported)
            {
                var report = await Node.Provisioner.ImportFileAsync(ProvisioningPath, "test");
                Assert.Equal(Fleet.Meters.Count, report.Added + report.Skipped);
                _imported = true;
            }
        }
        finally
        {
            _importing.Release();
        }
    }

    public async Task DisposeAsync()
    {
        _importing.Dispose();
        await _stop.CancelAsync();
        await _fleetRunning.WaitAsync(Bound);
        await Fleet.DisposeAsync();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        await Node.DisposeAsync();
        _stop.Dispose();
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
}
