using System.Globalization;
using Meterline.Simulator.Fleet;
using Meterline.Simulator.Hosting;

namespace Meterline.Cli.Sim;

/// <summary>What `meterline sim` prints at the start (where the meters are) and the end, and its status line.</summary>
internal static class SimReport
{
    /// <summary>Per-meter lines printed at most; the rest follow the same pattern.</summary>
    private const int ListedMeters = 5;

    public static void PrintStart(FleetSimulator fleet, FleetSimulatorOptions options, TimeSpan? duration, TextWriter output)
    {
        var framing = options.Hosting.Framing == FleetFraming.Wrapper ? "wrapper" : "hdlc";
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"meterline sim: {fleet.Meters.Count} meters, speed {options.Speed:0.##}x, simulated start {options.Start:yyyy-MM-dd'T'HH:mm:ssK}{(duration is { } d ? $", running for {d} of simulated time" : ", until Ctrl+C")}"));
        if (options.Hosting.PortPerMeter)
        {
            output.WriteLine($"listening: one port per meter, {framing} framing (wPort 1; HDLC server address 1/physical, 4 bytes)");
            foreach (var (meter, i) in fleet.Meters.Take(ListedMeters).Select((m, i) => (m, i)))
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {meter.Id}  {fleet.Endpoints[i]}  physical address {meter.PhysicalAddress}"));
            }

            if (fleet.Meters.Count > ListedMeters)
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  … to {fleet.Meters[^1].Id}  {fleet.Endpoints[^1]}"));
            }
        }
        else
        {
            var endpoint = fleet.Endpoints[0];
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"listening: {endpoint}, {framing} framing, one port for every meter: meter i (from 0) answers {(framing == "wrapper" ? "wPort " : "HDLC server address 1/")}16+i"));
            foreach (var meter in fleet.Meters.Take(ListedMeters))
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {meter.Id}  {(framing == "wrapper" ? "wPort " : "HDLC 1/")}{meter.PhysicalAddress}"));
            }

            if (fleet.Meters.Count > ListedMeters)
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  … to {fleet.Meters[^1].Id}  {(framing == "wrapper" ? "wPort " : "HDLC 1/")}{fleet.Meters[^1].PhysicalAddress}"));
            }
        }

        if (fleet.Coap is { } coap)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"coap: meters on CoAP also served at coap://{coap.LocalEndPoint}/m/{{serial}} (their endpoint in the provisioning file)"));
        }

        if (fleet.Mqtt is not null)
        {
            output.WriteLine("mqtt: meters on MQTT are reached at mqtt://{system title} through the broker (their endpoint in the provisioning file)");
        }

        output.WriteLine($"provisioning: {fleet.ProvisioningPath} (keys: keep it private)");
        output.WriteLine($"state: {Path.GetFullPath(options.StateDirectory)}");
        var signing = fleet.Provisioning.Meters.Count(m => !m.Keys.HesPublicKey.IsEmpty);
        if (signing > 0)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"signed commands: {signing} of {fleet.Provisioning.Meters.Count} meters trust a head-end key and demand signed relay, key and calendar commands"));
        }
        if (fleet.Radio is { } radio)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"zigbee: an emulated XBee coordinator (API mode {(int)radio.Coordinator.ApiMode}) on {radio.DevicePath}; {radio.Radios.Count} meter radios, 64-bit addresses in the provisioning file"));
            output.WriteLine($"  open it with: meterline gateway --serial {radio.DevicePath} --baud 9600 --push tcp://127.0.0.1:4059");
            output.WriteLine("pushes: over the radios (to wPort 1 through the coordinator)");
        }
        else
        {
            output.WriteLine(options.Push is { } push ? $"pushes: {push}" : "pushes: none (they stay queued in the meters)");
        }

        foreach (var scenario in options.Scenarios)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"scenario: {scenario.Kind} on meters {scenario.Meters} from {scenario.StartsAt(options.Start):yyyy-MM-dd'T'HH:mm'Z'}{(scenario.For is { } f ? $" for {f}" : string.Empty)}"));
        }

        output.Flush();
    }

    public static string StatusLine(FleetStatistics s) => string.Create(CultureInfo.InvariantCulture,
        $"{s.SimulatedTime:yyyy-MM-dd HH:mm:ss}Z  meters {s.Meters} ({s.MetersWithoutPower} dark)  load-profile entries {s.LoadProfileEntries}  events {s.Events}  " +
        $"pushes {s.PushesDelivered} delivered, {s.PushesPending} pending, {s.PushesDropped} dropped  connections {s.OpenConnections} open, {s.AcceptedConnections} served  APDUs {s.ApdusServed}  scenarios {s.ActiveScenarios}");

    public static void PrintEnd(FleetSimulator fleet, TextWriter output)
    {
        output.WriteLine(StatusLine(fleet.Snapshot()));
        output.WriteLine(fleet.Runner.SaveFailures == 0
            ? $"stopped; state of {fleet.Meters.Count} meters saved"
            : string.Create(CultureInfo.InvariantCulture, $"stopped; {fleet.Runner.SaveFailures} state saves failed"));
        output.Flush();
    }
}
