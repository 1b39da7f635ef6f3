using System.Globalization;
using Meterline.HeadEnd.Commands;

namespace Meterline.Cli.Demo;

/// <summary>What <c>meterline demo</c> prints at the start (what runs, where to look) and at the end, and its status line.</summary>
internal static class DemoReport
{
    /// <summary>How far the printed API queries reach past the simulated start.</summary>
    private static readonly TimeSpan QuerySpan = TimeSpan.FromDays(7);

    public static void PrintStart(DemoSession session, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(output);
        var options = session.Options;
        var node = session.Node;
        var fleet = session.Fleet;
        var tcpMeters = options.TcpMeters;
        var start = fleet.Time.Start;
        var interval = TimeSpan.FromMinutes(15) / options.Speed;
        var tampered = fleet.Meters[DemoOptions.TamperedMeter].Id;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"meterline demo: a head-end on {node.Storage.Engine} and {fleet.Meters.Count} simulated meters, in one process"));
        if (fleet.Topology is { } topology)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  town:     {topology.Consumers.Count} consumers under {topology.Transformers.Count} distribution transformers (each with a meter of its total) on {topology.Transformers.Select(t => t.FeederId).Distinct().Count()} feeders, around {DemoOptions.Topology.CentreLatitude:0.####}, {DemoOptions.Topology.CentreLongitude:0.####}"));
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  head-end: {session.MetersRegistered} meters registered ({session.Import.Added} added, {session.Import.Skipped} already there{(session.Import.Refused > 0 ? $", {session.Import.Refused} refused" : string.Empty)}{(session.Repointed > 0 ? $", {session.Repointed} re-pointed" : string.Empty)}), system title {node.SystemTitle}, real time"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  fleet:    {options.Speed:0.##}x accelerated from {start:yyyy-MM-dd HH:mm}Z (simulated): a 15-minute interval closes every {interval.TotalSeconds:0.#} s"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"            {tcpMeters} on DLMS/TCP at {fleet.Endpoints[0]} (wPort 16 + index){(fleet.Topology is { } grid ? $", and the {grid.Transformers.Count} transformer meters," : string.Empty)} pushing to tcp {node.PushEndpoints[0]}"));
        if (options.MqttMeters > 0 && node.Mqtt?.Broker is { } broker)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"            {options.MqttMeters} on MQTT: clients of the head-end's embedded broker at {broker.Endpoints[0]} (mqtt://{{system title}}: pushes and commands)"));
        }

        if (options.CoapMeters > 0 && session.Fleet.Coap is { } coap)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"            {options.CoapMeters} on CoAP: pushing to coap {node.CoapEndpoints[0]}, served at coap://{coap.LocalEndPoint}/m/{{serial}} (commands)"));
        }

        if (session.ZigbeeDevice is { } zigbee)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"            {options.ZigbeeMeters} on Zigbee radios behind an emulated XBee coordinator on {zigbee} (the head-end's local coordinator: pushes and commands)"));
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  story:    a magnet on {tampered} about {options.TamperAfter.TotalSeconds:0} s in; the demo disconnects it when the alarm arrives"));
        output.WriteLine("where to look:");
        foreach (var (name, url) in Links(session))
        {
            output.WriteLine($"  {name,-9} {url}");
        }

        if (session.HttpsAddress is { } https)
        {
            output.WriteLine($"  https     {https.ToString().TrimEnd('/')} (self-signed certificate: {Path.Combine(session.Data.Path, DemoCertificate.CertificateFile)}; the CLI trusts it with --ca FILE)");
        }

        var app = (session.HttpsAddress ?? session.ApiAddress).ToString().TrimEnd('/');
        output.WriteLine($"open the operator app: {app}/ — sign in, then the fleet is on the map at {app}/map");
        output.WriteLine(session.AdminPassword is { } password
            ? $"  login     {DemoLogin.UserName} / {password} at {session.ApiAddress.ToString().TrimEnd('/')}{Meterline.Web.OperatorApp.SignInPath} (the operator app; also in {Path.Combine(session.Data.Path, DemoLogin.PasswordFile)})"
            : $"  login     the users of the reused data directory (meterline users list --token-file {session.TokenFile})");
        output.WriteLine($"  token     {session.TokenFile} (admin API token: meterline meters list --token-file …)");
        output.WriteLine($"  database  {session.Data.Database}");
        output.WriteLine($"  data      {session.Data.Path} (fleet.json holds the meters' keys: keep it private; --fresh starts over)");
        if (session.ZigbeeDevice is { } radio)
        {
            output.WriteLine($"  pty       {radio} (the emulated coordinator; the demo's head-end holds it open)");
        }

        output.WriteLine(options.Duration is { } duration
            ? string.Create(CultureInfo.InvariantCulture, $"running for {duration.TotalSeconds:0.#} s (Ctrl+C stops it sooner)")
            : "Ctrl+C stops the demo.");
        output.Flush();
    }

    /// <summary>The addresses worth opening: the operator app, then the API's meters, one meter's readings and the events over the simulated week, OpenAPI.</summary>
    public static IReadOnlyList<(string Name, string Url)> Links(DemoSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        var api = session.ApiAddress.ToString().TrimEnd('/');
        var from = session.Fleet.Time.Start;
        var range = string.Create(CultureInfo.InvariantCulture, $"from={from:yyyy-MM-dd'T'HH:mm:ss'Z'}&to={from + QuerySpan:yyyy-MM-dd'T'HH:mm:ss'Z'}");
        var serial = session.Fleet.Meters[DemoOptions.TamperedMeter].Id;
        return
        [
            ("operator app", api + "/"),
            ("map", api + "/map"),
            ("meters", api + "/api/meters"),
            ("readings", $"{api}/api/meters/{serial}/readings?{range}"),
            ("events", $"{api}/api/events?{range}"),
            ("OpenAPI", api + "/openapi/v1.json"),
        ];
    }

    public static string StatusLine(DemoStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        return string.Create(CultureInfo.InvariantCulture,
            $"[{status.Elapsed.TotalSeconds,5:0}s] simulated {status.SimulatedTime:yyyy-MM-dd HH:mm}Z | meters {status.MetersReporting}/{status.MetersRegistered} reporting | readings {status.ReadingsStored:N0} | events {status.Events:N0} (tamper {status.TamperAlarms:N0}) | rejected {status.FramesRejected:N0}{(status.ZigbeePushes is { } z ? $" | zigbee pushes {z:N0}" : string.Empty)} | command {status.Command ?? "none yet"}");
    }

    public static string StoryText(StoryLine line)
    {
        ArgumentNullException.ThrowIfNull(line);
        return string.Create(CultureInfo.InvariantCulture, $"[{line.Elapsed.TotalSeconds,5:0.0}s] {line.Text}");
    }

    public static void PrintEnd(DemoSession session, CommandRecord? disconnect, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(output);
        var status = session.Snapshot();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"stopped after {status.Elapsed.TotalSeconds:0} s ({status.SimulatedTime:yyyy-MM-dd HH:mm}Z simulated): {status.ReadingsStored:N0} readings and {status.Events:N0} events stored (tamper alarms: {status.TamperAlarms:N0}); disconnect: {(disconnect is null ? "none" : $"#{disconnect.Id} {disconnect.State}")}"));
        output.WriteLine($"the data stays in {session.Data.Path}: run the demo again to go on from here, or with --fresh to start over");
        output.Flush();
    }
}
