using System.Net;
using Meterline.Simulator.Fleet;
using Meterline.Simulator.Hosting;
using Meterline.Simulator.Push;
using Meterline.Simulator.Scenarios;

namespace Meterline.EndToEnd.Tests.Support;

/// <summary>
/// A simulated fleet (<see cref="FleetSimulator"/>) in accelerated time: meters served over DLMS/TCP on a free
/// shared port, pushing to a TCP wrapper destination, their state and the provisioning file in a temporary directory.
/// </summary>
internal sealed class RunningFleet : IAsyncDisposable
{
    private static readonly TimeSpan StopBound = TimeSpan.FromSeconds(30);

    private readonly string _directory;
    private readonly CancellationTokenSource _stop = new();
    private Task? _running;

    private RunningFleet(string directory, FleetSimulator simulator)
    {
        _directory = directory;
        Simulator = simulator;
    }

    public FleetSimulator Simulator { get; }

    public IReadOnlyList<SimulatedMeter> Meters => Simulator.Meters;

    /// <summary>The fleet's true time.</summary>
    public TimeProvider Time => Simulator.Time;

    public DateTimeOffset Now => Simulator.Time.GetUtcNow();

    /// <summary>The provisioning file the head-end imports.</summary>
    public string ProvisioningPath => Simulator.ProvisioningPath;

    /// <summary>Builds the fleet (it does not run until <see cref="Run"/>).</summary>
    public static async Task<RunningFleet> StartAsync(
        int meters, double speed, DateTimeOffset start, IPEndPoint? push, IReadOnlyList<Scenario>? scenarios, CancellationToken cancellationToken)
    {
        var directory = Directory.CreateTempSubdirectory("meterline-e2e-fleet-").FullName;
        try
        {
            var simulator = await FleetSimulator.StartAsync(new FleetSimulatorOptions
            {
                Meters = meters,
                Speed = speed,
                Start = start,
                ProfilePath = Repository.ProfilePath,
                ProvisioningPath = Path.Combine(directory, "fleet.json"),
                StateDirectory = Path.Combine(directory, "state"),
                Hosting = new FleetHostOptions { ListenAddress = IPAddress.Loopback, Port = 0 },
                Push = push is null ? null : new PushDestination(PushTransport.Tcp, push.Address.ToString(), push.Port),
                Scenarios = scenarios ?? [],
            }, cancellationToken);
            return new RunningFleet(directory, simulator);
        }
        catch
        {
            Directory.Delete(directory, recursive: true);
            throw;
        }
    }

    /// <summary>Starts serving the meters, stepping them and pumping their pushes.</summary>
    public void Run() => _running = Simulator.RunAsync(_stop.Token);

    /// <summary>Stops the fleet (every meter saved); the meters' buffers can be read at leisure afterwards.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        if (_running is { } running)
        {
            await running.WaitAsync(StopBound);
        }
    }

    /// <summary>Waits until the fleet's clock has passed <paramref name="instant"/>.</summary>
    public async Task UntilAsync(DateTimeOffset instant, CancellationToken cancellationToken)
    {
        while (Now < instant)
        {
            if (_running is { IsCompleted: true } running)
            {
                await running;
                Assert.Fail("The fleet stopped on its own.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        finally
        {
            await Simulator.DisposeAsync();
            Directory.Delete(_directory, recursive: true);
            _stop.Dispose();
        }
    }
}
