using System.Net;
using Meterline.HeadEnd.Commands;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Readings;
using Meterline.Server.Hosting;
using Meterline.Simulator.Fleet;
using Meterline.Simulator.Radio;
using Meterline.Zigbee.Emulator;

namespace Meterline.Server.Tests.Hosting;

/// <summary>
/// The node with a local Zigbee coordinator: an emulated XBee module on a real pty, simulated meters behind it. The
/// meters' pushes reach the store through the coordinator, and a command reaches a meter at its zigbee:// endpoint.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class HeadEndNodeZigbeeTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("meterline-node-zigbee-").FullName;

    [Fact]
    public async Task Node_ZigbeeCoordinator_StoresPushesAndConfirmsAReadThroughTheRadio()
    {
        var profiles = Path.Combine(RunningServer.RepositoryRoot(), "profiles");
        await using var fleet = await FleetSimulator.StartAsync(new FleetSimulatorOptions
        {
            Meters = 2,
            Speed = 900,
            Start = DateTimeOffset.UtcNow,
            ProfilePath = Path.Combine(profiles, "is15959-single-phase.json"),
            ProvisioningPath = Path.Combine(_directory, "fleet.json"),
            StateDirectory = Path.Combine(_directory, "state"),
            Hosting = new Simulator.Hosting.FleetHostOptions { Port = 0 },
            Radio = new ZigbeeFleetOptions { Link = new LinkModel { Seed = 5 } },
        });
        await using var node = await HeadEndNode.OpenAsync(new HeadEndOptions
        {
            Database = Path.Combine(_directory, "node.db"),
            KeyFile = Path.Combine(_directory, "node.kek"),
            CreateKeyFile = true,
            ProfilesDirectory = profiles,
            PushListeners = [],
            ZigbeeSerialPort = fleet.Radio!.DevicePath,
            MeterRequestTimeout = TimeSpan.FromSeconds(20),
            Scheduler = null,
            Backfill = null,
        });
        var report = await node.Provisioner.ImportFileAsync(fleet.ProvisioningPath, "test");
        Assert.Equal(2, report.Added);
        var meter = (await node.Meters.FindBySerialAsync(fleet.Provisioning.Meters[0].Id))!;
        Assert.StartsWith("zigbee://", meter.Endpoint!.ToString(), StringComparison.Ordinal);

        var app = ServerApplication.Build(new ServerOptions { Urls = ["http://127.0.0.1:0"] }, node);
        await using (app)
        {
            await app.StartAsync();
            using var running = new CancellationTokenSource();
            var simulation = fleet.RunAsync(running.Token);

            var command = await node.CommandService.RequestAsync(new CommandSubmission(meter.Id, new ReadParameters([Quantity.CumulativeImportEnergy]), "test"));
            node.Dispatcher.Wake();
            var final = await WaitAsync(async () => await node.Storage.Commands.GetAsync(command.Id) is { State: not (CommandState.Requested or CommandState.Sent) } done ? done : null);
            Assert.Equal(CommandState.Confirmed, final.State);
            await WaitAsync(async () => await node.Storage.Readings.CountReadingsAsync(meter.Id) > 0 ? (object)true : null);
            Assert.True(await node.Storage.Readings.CountReadingsAsync() > 0);
            Assert.True(node.Zigbee!.PushAdapter.Queued > 0);

            await running.CancelAsync();
            await simulation.WaitAsync(TimeSpan.FromSeconds(30));
            await app.StopAsync();
        }
    }

    [Fact]
    public async Task OpenAsync_NoCoordinatorOnTheSerialPort_FailsNamingTheDevice()
    {
        var e = await Assert.ThrowsAnyAsync<IOException>(() => HeadEndNode.OpenAsync(new HeadEndOptions
        {
            Database = Path.Combine(_directory, "node.db"),
            KeyFile = Path.Combine(_directory, "node.kek"),
            CreateKeyFile = true,
            ProfilesDirectory = Path.Combine(RunningServer.RepositoryRoot(), "profiles"),
            PushListeners = [new IPEndPoint(IPAddress.Loopback, 0)],
            ZigbeeSerialPort = Path.Combine(_directory, "ttyNOTHING"),
        }));

        Assert.Contains("ttyNOTHING", e.Message, StringComparison.Ordinal);
    }

    private static async Task<T> WaitAsync<T>(Func<Task<T?>> probe)
        where T : class
    {
        for (var round = 0; round < 600; round++)
        {
            if (await probe() is { } value)
            {
                return value;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("The condition did not hold within 60 s.");
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
