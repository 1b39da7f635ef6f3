using Meterline.Simulator.Push;

namespace Meterline.Simulator.Fleet;

/// <summary>
/// A share of the fleet that pushes to another destination than <see cref="FleetSimulatorOptions.Push"/>: the next
/// <paramref name="Meters"/> meters (after those on <see cref="FleetSimulatorOptions.Push"/>, before the Zigbee ones).
/// On <c>mqtt://</c> each is an MQTT client of that broker (and reached at <c>mqtt://{systemTitle}</c>); on
/// <c>coap://</c> it pushes there and is served by the fleet's CoAP server (reached at <c>coap://host:port/m/{id}</c>).
/// </summary>
public sealed record FleetTransportShare(PushDestination Destination, int Meters);
