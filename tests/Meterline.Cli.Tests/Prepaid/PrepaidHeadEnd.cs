using System.Net;
using Meterline.HeadEnd.Access;
using Meterline.HeadEnd.Prepaid;
using Meterline.Server;
using Meterline.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Meterline.Cli.Tests.Prepaid;

/// <summary>
/// What `meterline prepaid` talks to in these tests: a real head-end node (SQLite in a temporary directory) with the
/// documented example tariffs (a default tariff, so any consumer can go on prepaid), adjustments above 1,000 waiting for a
/// second admin, its API on Kestrel at 127.0.0.1, the bootstrap admin token and a second admin's token.
/// </summary>
public sealed class PrepaidHeadEnd : IAsyncLifetime
{
    public const decimal ApprovalAbove = 1_000m;

    private readonly string _directory = System.IO.Directory.CreateTempSubdirectory("meterline-cli-prepaid-").FullName;
    private WebApplication? _app;

    public HeadEndNode Node { get; private set; } = null!;

    /// <summary>The API's base address, for --server.</summary>
    public string Server { get; private set; } = null!;

    /// <summary>The bootstrap admin API token, for --token.</summary>
    public string Token { get; private set; } = null!;

    /// <summary>Another admin's token (actor "admin-2"), to approve what the bootstrap admin asked for.</summary>
    public string SecondAdminToken { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Node = await HeadEndNode.OpenAsync(new HeadEndOptions
        {
            Database = "Data Source=" + Path.Combine(_directory, "hes.db"),
            KeyFile = Path.Combine(_directory, "hes.kek"),
            CreateKeyFile = true,
            ProfilesDirectory = Path.Combine(AppContext.BaseDirectory, "profiles"),
            PushListeners = [new IPEndPoint(IPAddress.Loopback, 0)],
            Scheduler = null,
            Backfill = null,
            Analytics = null,
            Tariffs = Path.Combine(AppContext.BaseDirectory, "tariffs", "tariffs.json"),
            Prepaid = new PrepaidOptions { AdjustmentApprovalThreshold = ApprovalAbove },
            BootstrapTokenFile = Path.Combine(_directory, "hes.admin-token"),
        });
        Token = (await File.ReadAllTextAsync(Path.Combine(_directory, "hes.admin-token"))).Trim();
        SecondAdminToken = (await Node.Access.CreateTokenAsync("test", "admin-2", [AccessRole.Admin], null, null)).Text;
        _app = ServerApplication.Build(new ServerOptions { Urls = ["http://127.0.0.1:0"] }, Node);
        await _app.StartAsync();
        Server = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        await Node.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            System.IO.Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still open elsewhere: the temporary directory is left behind, the test's result stands.
        }
    }
}
