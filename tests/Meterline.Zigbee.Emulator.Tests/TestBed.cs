using Meterline.Zigbee.Frames;

namespace Meterline.Zigbee.Emulator.Tests;

/// <summary>An emulated coordinator on a real pseudo-terminal and the driver on its /dev/pts/N through System.IO.Ports.</summary>
internal sealed class TestBed : IAsyncDisposable
{
    private TestBed(EmulatedCoordinator module, XBeeCoordinator coordinator)
    {
        Module = module;
        Coordinator = coordinator;
    }

    public EmulatedCoordinator Module { get; }

    public XBeeCoordinator Coordinator { get; }

    public static EmulatedCoordinatorOptions ModuleOptions(XBeeApiMode mode = XBeeApiMode.Api, LinkModel? link = null) => new()
    {
        ApiMode = mode,
        NodeDiscoveryTimeout = 5,
        Link = link ?? new LinkModel(),
    };

    public static XBeeCoordinatorOptions DriverOptions(int retries = 3) => new()
    {
        StartupQueryTimeout = TimeSpan.FromMilliseconds(700),
        CommandTimeout = TimeSpan.FromSeconds(2),
        TransmitStatusTimeout = TimeSpan.FromSeconds(2),
        NodeDiscoveryMargin = TimeSpan.FromMilliseconds(300),
        TransmitRetries = retries,
        RetryBackoff = TimeSpan.FromMilliseconds(5),
    };

    public static async Task<TestBed> StartAsync(
        CancellationToken cancellationToken, EmulatedCoordinatorOptions? module = null, XBeeCoordinatorOptions? driver = null, Action<EmulatedCoordinator>? before = null)
    {
        var emulated = EmulatedCoordinator.StartOnPseudoTerminal(module ?? ModuleOptions());
        try
        {
            before?.Invoke(emulated);
            var coordinator = await XBeeCoordinator.OpenAsync(emulated.DevicePath!, 9600, driver ?? DriverOptions(), null, cancellationToken)
                .WaitAsync(cancellationToken);
            return new TestBed(emulated, coordinator);
        }
        catch
        {
            await emulated.DisposeAsync();
            throw;
        }
    }

    public static XBeeAddress64 Address(int i) => new(0x0013A20041000000UL + (ulong)i);

    public async ValueTask DisposeAsync()
    {
        await Coordinator.DisposeAsync();
        await Module.DisposeAsync();
    }
}
