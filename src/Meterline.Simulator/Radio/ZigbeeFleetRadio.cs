using System.Collections.Frozen;
using Meterline.Meter.Push;
using Meterline.Simulator.Hosting;
using Meterline.Zigbee.Emulator;
using Meterline.Zigbee.Frames;

namespace Meterline.Simulator.Radio;

/// <summary>
/// The radio side of a fleet: an emulated XBee coordinator on a pseudo-terminal (the device the head-end or
/// <c>meterline gateway</c> opens as it would /dev/ttyUSB0) and one emulated node per radio meter, each served by a
/// <see cref="MeterRadio"/>. As a push sink it sends each radio meter's pushes over its own radio.
/// </summary>
public sealed class ZigbeeFleetRadio : IPushSink, IAsyncDisposable
{
    private readonly EmulatedCoordinator _coordinator;
    private readonly FrozenDictionary<string, MeterRadio> _radios;

    private ZigbeeFleetRadio(EmulatedCoordinator coordinator, Dictionary<string, MeterRadio> radios)
    {
        _coordinator = coordinator;
        _radios = radios.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>The pseudo-terminal to open (e.g. /dev/pts/3).</summary>
    public string DevicePath => _coordinator.DevicePath ?? throw new InvalidOperationException("The coordinator is not on a pseudo-terminal.");

    public EmulatedCoordinator Coordinator => _coordinator;

    public IReadOnlyCollection<MeterRadio> Radios => _radios.Values;

    public bool Carries(string meterId) => _radios.ContainsKey(meterId);

    /// <summary>Starts the coordinator on a new pseudo-terminal and a radio for each meter given, with its 64-bit address.</summary>
    public static ZigbeeFleetRadio Start(IEnumerable<(IHostedMeter Meter, ulong Address)> meters, ZigbeeFleetOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(meters);
        ArgumentNullException.ThrowIfNull(options);
        var coordinator = EmulatedCoordinator.StartOnPseudoTerminal(new EmulatedCoordinatorOptions { ApiMode = options.ApiMode, Link = options.Link }, timeProvider);
        var radios = new Dictionary<string, MeterRadio>(StringComparer.Ordinal);
        foreach (var (meter, address) in meters)
        {
            var node = coordinator.AddNode(new XBeeAddress64(address), new XBeeAddress16((ushort)(0x0100 + radios.Count)), meter.Id);
            var radio = new MeterRadio(node, meter, options.IdleTimeout);
            radios.Add(meter.Id, radio);
            radio.Start();
        }

        return new ZigbeeFleetRadio(coordinator, radios);
    }

    public async ValueTask<bool> SendAsync(PushMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        return _radios.TryGetValue(message.MeterId, out var radio) && await radio.SendPushAsync(message.Apdu, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var radio in _radios.Values)
        {
            await radio.DisposeAsync().ConfigureAwait(false);
        }

        await _coordinator.DisposeAsync().ConfigureAwait(false);
    }
}
