using System.Net;
using Meterline.HeadEnd.Access;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Prepaid;
using Meterline.HeadEnd.Readings;
using Meterline.Server;
using Meterline.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Meterline.Cli.Tests.Bills;

/// <summary>
/// What `meterline bills` talks to in these tests: a real head-end node (SQLite in a temporary directory) billing with
/// the documented example tariffs (copied beside meterline as tariffs/tariffs.json), its API on Kestrel at 127.0.0.1,
/// and three meters with March 2026 billing snapshots: C-000001 (domestic, the hand-worked 1239.60 INR bill),
/// C-000003 (commercial-demand, 11109.00 INR with 12.4 kW maximum demand) and one without a consumer. `meterline
/// prepaid` talks to it too: prepaid adjustments above <see cref="ApprovalAbove"/> wait for a second admin
/// (<see cref="SecondAdminToken"/>), and the default tariff lets any consumer go on prepaid.
/// </summary>
public sealed class BillingHeadEnd : IAsyncLifetime
{
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);

    public const decimal ApprovalAbove = 1_000m;
    private static readonly TimeZoneInfo Kolkata = TimeZoneInfo.FindSystemTimeZoneById("Asia/Kolkata");

    private readonly string _directory = System.IO.Directory.CreateTempSubdirectory("meterline-cli-bills-").FullName;
    private WebApplication? _app;

    public HeadEndNode Node { get; private set; } = null!;

    /// <summary>The API's base address, for --server.</summary>
    public string Server { get; private set; } = null!;

    public string Directory => _directory;

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

        var (start, end) = new HeadEnd.Billing.BillingMonth(2026, 3).Bounds(Kolkata);
        var domestic = await AddMeterAsync("BILL000001", 1, "C-000001");
        var demand = await AddMeterAsync("BILL000003", 3, "C-000003");
        await AddMeterAsync("BILL000009", 9, null);
        var peak = new DateTimeOffset(2026, 3, 14, 19, 30, 0, TimeSpan.FromHours(5.5));
        await Node.Storage.Readings.WriteAsync(new IngestBatch(
            [],
            [
                new BillingSnapshot(domestic.Id, start, [new(Quantity.CumulativeImportEnergy, 1_000_000), new(Quantity.ImportInZone(2), 0), new(Quantity.ImportInZone(3), 0)], null, ReadingQuality.Authenticated),
                new BillingSnapshot(domestic.Id, end, [new(Quantity.CumulativeImportEnergy, 1_250_000), new(Quantity.ImportInZone(2), 50_000), new(Quantity.ImportInZone(3), 80_000)], null, ReadingQuality.Authenticated),
                new BillingSnapshot(demand.Id, start, [new(Quantity.CumulativeImportEnergy, 2_000_000), new(Quantity.MaximumDemand, 9_000)], null, ReadingQuality.Authenticated),
                new BillingSnapshot(demand.Id, end, [new(Quantity.CumulativeImportEnergy, 3_000_000), new(Quantity.MaximumDemand, 12_400)], peak, ReadingQuality.Authenticated),
            ],
            [],
            new Dictionary<MeterId, uint>()));
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

    private async Task<HeadEnd.Meters.Meter> AddMeterAsync(string serial, int n, string? consumer)
    {
        var result = await Node.Provisioner.AddAsync(new MeterRegistration(serial, new MeterSystemTitle(0x4D544C00C0000000UL + (ulong)n), "is15959-single-phase", ConsumerId: consumer), "test");
        return (await Node.Meters.GetAsync(result.Meter!.Value))!;
    }
}
