namespace Meterline.Simulator.Fleet;

/// <summary>A snapshot of a running fleet, for the progress display.</summary>
/// <param name="Meters">Meters in the fleet.</param>
/// <param name="SimulatedTime">The fleet's true time now (simulated, UTC).</param>
/// <param name="MetersWithoutPower">Meters in an outage.</param>
/// <param name="LoadProfileEntries">Block load profile entries held over the fleet (each meter's is bounded by its depth).</param>
/// <param name="Events">Events the meters recorded since they started.</param>
/// <param name="PushesDelivered">Pushes the sink accepted.</param>
/// <param name="PushesPending">Pushes waiting in the meters' queues.</param>
/// <param name="PushesDropped">Pushes the meters dropped because their queues were full.</param>
/// <param name="OpenConnections">DLMS/TCP connections open now.</param>
/// <param name="AcceptedConnections">DLMS/TCP connections served so far.</param>
/// <param name="ApdusServed">APDUs the meters answered.</param>
/// <param name="ActiveScenarios">Scenarios in effect now.</param>
/// <param name="Ticks">Ticks run (each steps every meter once).</param>
public sealed record FleetStatistics(
    int Meters,
    DateTimeOffset SimulatedTime,
    int MetersWithoutPower,
    long LoadProfileEntries,
    long Events,
    long PushesDelivered,
    long PushesPending,
    long PushesDropped,
    long OpenConnections,
    long AcceptedConnections,
    long ApdusServed,
    int ActiveScenarios,
    long Ticks);
