using System.Net;
using Meterline.Simulator.Fleet;
using Meterline.Simulator.Hosting;
using Meterline.Simulator.Push;

namespace Meterline.Server.Tests;

/// <summary>
/// A real simulated fleet on 127.0.0.1 (DLMS/TCP, wrapper framing, one shared port), running at a given speed and
/// pushing to the node's push listener; its provisioning file holds every meter's endpoint and keys.
/// </summary>
internal sealed class TestFleet : IAsyncDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly CancellationTokenSource _stop = new();
    private readonly Task _running;
    private readonly string _directory;

    private TestFleet(FleetSimulator simulator, string directory)
    {
        Simulator = simulator;
        _directory = directory;
        _running = simulator.RunAsync(_stop.Token);
    }

    public FleetSimulator Simulator { get; }

    public string ProvisioningPath => Simulator.ProvisioningPath;

    public int Port => Simulator.Endpoints[0].Port;

    public static async Task<TestFleet> StartAsync(int meters, IPEndPoint? push, double speed = 1)
    {
        var directory = Directory.CreateTempSubdirectory("meterline-fleet-").FullName;
        var simulator = await FleetSimulator.StartAsync(new FleetSimulatorOptions
        {
            Meters = meters,
            Speed = speed,
            Start = Start,
            ProfilePath = Path.Combine(RunningServer.RepositoryRoot(), "profiles", "is15959-single-phase.json"),
            ProvisioningPath = Path.Combine(directory, "fleet.json"),
            StateDirectory = Path.Combine(directory, "state"),
            Hosting = new FleetHostOptions { ListenAddress = IPAddress.Loopback, Port = 0 },
            Push = push is null ? null : new PushDestination(PushTransport.Tcp, push.Address.ToString(), push.Port),
        });
        return new TestFleet(simulator, directory);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _running.WaitAsync(RunningNode.Bound);
        await Simulator.DisposeAsync();
        _stop.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
