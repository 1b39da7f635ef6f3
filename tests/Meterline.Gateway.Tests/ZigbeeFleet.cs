using System.Diagnostics.CodeAnalysis;
using Meterline.Dlms.Acse;
using Meterline.Dlms.Associations;
using Meterline.Dlms.Links;
using Meterline.Dlms.Security;
using Meterline.Simulator.Fleet;
using Meterline.Simulator.Provisioning;
using Meterline.Simulator.Radio;
using Meterline.Zigbee;
using Meterline.Zigbee.Emulator;

namespace Meterline.Gateway.Tests;

/// <summary>
/// A simulated fleet whose meters have Zigbee radios behind an emulated coordinator on a real pseudo-terminal, and the
/// head-end's side: the coordinator driver on the pty's slave device (through System.IO.Ports, as /dev/ttyUSB0) and a
/// concentrator over it.
/// </summary>
internal sealed class ZigbeeFleet : IAsyncDisposable
{
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    private readonly CancellationTokenSource _stop = new();
    private readonly string _directory;
    private Task? _running;

    private ZigbeeFleet(string directory, FleetSimulator fleet)
    {
        _directory = directory;
        Simulator = fleet;
    }

    public FleetSimulator Simulator { get; }

    public XBeeCoordinator Coordinator { get; private set; } = null!;

    public ZigbeeConcentrator Concentrator { get; private set; } = null!;

    public ZigbeeFleetRadio Radio => Simulator.Radio!;

    public static async Task<ZigbeeFleet> StartAsync(int meters, LinkModel link, double speed, DateTimeOffset start)
    {
        var directory = Directory.CreateTempSubdirectory("meterline-zigbee-").FullName;
        var fleet = await FleetSimulator.StartAsync(new FleetSimulatorOptions
        {
            Meters = meters,
            Speed = speed,
            Start = start,
            ProfilePath = Path.Combine(AppContext.BaseDirectory, "profiles", "is15959-single-phase.json"),
            ProvisioningPath = Path.Combine(directory, "fleet.json"),
            StateDirectory = Path.Combine(directory, "state"),
            Hosting = new Simulator.Hosting.FleetHostOptions { Port = 0 },
            Radio = new ZigbeeFleetOptions { Link = link },
        });
        var zigbee = new ZigbeeFleet(directory, fleet);
        zigbee.Coordinator = await XBeeCoordinator.OpenAsync(fleet.Radio!.DevicePath, 9600).WaitAsync(Bound);
        zigbee.Concentrator = new ZigbeeConcentrator(zigbee.Coordinator);
        return zigbee;
    }

    public void Run() => _running = Simulator.RunAsync(_stop.Token);

    /// <summary>The client (SAP 48, HLS-GMAC, ciphered) of the utility-settings association for a provisioned meter.</summary>
    public static ClientAssociation UtilityClient(ProvisionedMeter meter, uint firstCounter = 1) => new(
        new ClientAssociationSettings { ApplicationContext = ApplicationContextName.LogicalNameReferencingWithCiphering, Mechanism = AuthenticationMechanism.HighGmac },
        new AssociationKeys(
            new SystemTitle(0x4D4C484553000001UL),
            CipherKey.FromBytes(meter.Keys.GlobalUnicastEncryptionKey.Span),
            CipherKey.FromBytes(meter.Keys.AuthenticationKey.Span)),
        new OutgoingInvocationCounter(firstCounter));

    public KeyResolver Keys() => new(Simulator.Provisioning);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Concentrator.DisposeAsync();
        await Coordinator.DisposeAsync();
        if (_running is not null)
        {
            await _running.WaitAsync(Bound);
        }

        await Simulator.DisposeAsync();
        _stop.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    /// <summary>The provisioned keys, as a head-end builds them from the provisioning file.</summary>
    internal sealed class KeyResolver(FleetProvisioning provisioning) : ISenderKeyResolver, IDisposable
    {
        private readonly Dictionary<SystemTitle, AesGcmCipher> _ciphers = provisioning.Meters.ToDictionary(
            m => m.SystemTitle,
            m => new AesGcmCipher(CipherKey.FromBytes(m.Keys.GlobalUnicastEncryptionKey.Span), CipherKey.FromBytes(m.Keys.AuthenticationKey.Span)));

        public bool TryGetCipher(SystemTitle sender, [NotNullWhen(true)] out AesGcmCipher? cipher) => _ciphers.TryGetValue(sender, out cipher);

        public void Dispose()
        {
            foreach (var cipher in _ciphers.Values)
            {
                cipher.Dispose();
            }
        }
    }
}
