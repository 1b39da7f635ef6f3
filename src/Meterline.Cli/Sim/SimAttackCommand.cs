using System.CommandLine;
using System.Globalization;
using Meterline.Cli.Api;
using Meterline.Cli.Dlms;
using Meterline.Simulator.Attacks;
using Meterline.Simulator.Provisioning;
using Meterline.Simulator.Scenarios;
using Spectre.Console;

namespace Meterline.Cli.Sim;

/// <summary>
/// `meterline sim attack`: attacks a head-end's ingress (flood, idle connections, slow sender, oversize announcement,
/// garbage, replay) through the transport of the target's scheme, and prints what the attacker saw (see
/// docs/simulator.md, "Attack modes"). Real time; bounded by <c>--duration</c>.
/// </summary>
internal static class SimAttackCommand
{
    private static readonly Dictionary<string, AttackKind> Kinds = new(StringComparer.OrdinalIgnoreCase)
    {
        ["flood"] = AttackKind.Flood,
        ["idle"] = AttackKind.IdleConnections,
        ["slow"] = AttackKind.SlowSender,
        ["oversize"] = AttackKind.OversizeAnnouncement,
        ["garbage"] = AttackKind.Garbage,
        ["replay"] = AttackKind.Replay,
    };

    public static Command Create(TextWriter output, TextWriter error)
    {
        var target = new Option<string>("--target") { Description = "The ingress to attack: tcp://host:port or udp://host:port (DLMS wrapper), coap://host:port (CoAP POST /dlms), or mqtt://host:port (MQTT broker)", Required = true };
        var kind = new Option<string>("--kind") { Description = "flood, idle, slow, oversize, garbage or replay", Required = true };
        var rate = new Option<double>("--rate") { Description = "Frames (or chunks, datagrams) a second in all; 0 as fast as possible", DefaultValueFactory = _ => 1_000 };
        var duration = new Option<string>("--duration") { Description = "How long to attack (real time), e.g. 30s, 2m; at most 1h", DefaultValueFactory = _ => "10s" };
        var connections = new Option<int>("--connections") { Description = "Connections (or UDP sockets) to use", DefaultValueFactory = _ => 1 };
        var sources = new Option<string?>("--source-addresses") { Description = "Local addresses to connect from, e.g. 127.0.0.2-127.0.0.200 or a comma-separated list" };
        var fleet = new Option<string?>("--fleet") { Description = "The provisioning file (fleet.json) whose meter a flood sends as" };
        var meter = new Option<string?>("--meter") { Description = "With --fleet: the meter (serial) to flood as; its later own pushes look stale to the head-end" };
        var command = new Command("attack", "Attack a head-end's ingress (flood, idle connections, slow sender, oversize announcement, garbage) and report what the attacker saw")
        {
            target, kind, rate, duration, connections, sources, fleet, meter,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            try
            {
                var options = new AttackOptions
                {
                    Kind = Kinds.TryGetValue(result.GetValue(kind)!, out var k) ? k : throw new CommandException($"--kind is one of {string.Join(", ", Kinds.Keys)}", ExitCodes.Usage),
                    Target = Uri.TryCreate(result.GetValue(target), UriKind.Absolute, out var uri) ? uri : throw new CommandException("--target is a URI such as tcp://127.0.0.1:4059", ExitCodes.Usage),
                    Rate = result.GetValue(rate) is var r and >= 0 and <= 10_000_000 ? r : throw new CommandException("--rate is 0 to 10000000", ExitCodes.Usage),
                    Duration = ScenarioParser.TryParseDuration(result.GetValue(duration)!, out var span, out var invalid) && span > TimeSpan.Zero && span <= TimeSpan.FromHours(1)
                        ? span
                        : throw new CommandException("--duration " + (invalid ?? "is at most 1h"), ExitCodes.Usage),
                    Connections = result.GetValue(connections) is var c and >= 1 and <= 100_000 ? c : throw new CommandException("--connections is 1 to 100000", ExitCodes.Usage),
                    SourceAddresses = result.GetValue(sources) is { } text ? Addresses(text) : [],
                    Meter = Meter(result.GetValue(fleet), result.GetValue(meter)),
                };
                var runner = new AttackRunner();
                if (!runner.TryGetTransport(options.Target, options.Kind, out _, out var unsupported))
                {
                    throw new CommandException("--target: " + unsupported, ExitCodes.Usage);
                }

                if (options.Kind == AttackKind.Replay)
                {
                    throw new CommandException("--kind replay needs captured frames; the command line has no capture (tests and the load harness replay what a meter sent)", ExitCodes.Usage);
                }

                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"meterline sim attack: {result.GetValue(kind)} against {options.Target} for {options.Duration}, {options.Connections} connection(s){(options.SourceAddresses.Count > 0 ? $" from {options.SourceAddresses.Count} addresses" : "")}, rate {options.Rate:0.##}/s{(options.Meter is { } m ? $" as meter {m.Id} ({m.SystemTitle})" : "")}"));
                var report = await runner.RunAsync(options, cancellationToken).ConfigureAwait(false);
                Print(report, CliConsole.For(output));
                return ExitCodes.Ok;
            }
            catch (CommandException e)
            {
                await error.WriteLineAsync("error: " + e.Message).ConfigureAwait(false);
                return e.ExitCode;
            }
        });
        return command;
    }

    private static IReadOnlyList<System.Net.IPAddress> Addresses(string text)
    {
        try
        {
            return AttackSockets.ParseAddresses(text);
        }
        catch (FormatException e)
        {
            throw new CommandException("--source-addresses " + e.Message, ExitCodes.Usage);
        }
    }

    private static ProvisionedMeter? Meter(string? fleet, string? id)
    {
        if (fleet is null)
        {
            return id is null ? null : throw new CommandException("--meter needs --fleet", ExitCodes.Usage);
        }

        FleetProvisioning provisioning;
        try
        {
            provisioning = FleetProvisioningFile.Read(fleet);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException or System.Text.Json.JsonException)
        {
            throw new CommandException("--fleet: " + e.Message, ExitCodes.Usage);
        }

        return id is null
            ? provisioning.Meters.FirstOrDefault() ?? throw new CommandException("--fleet: no meters in the file", ExitCodes.Usage)
            : provisioning.Meters.FirstOrDefault(m => m.Id == id) ?? throw new CommandException($"--meter {id}: not in {fleet}", ExitCodes.Usage);
    }

    private static void Print(AttackReport report, IAnsiConsole console)
    {
        var seconds = Math.Max(report.Elapsed.TotalSeconds, 1e-3);
        var table = new Table().AddColumns("What", "Count", "Per second");
        table.AddRow("frames sent", Number(report.FramesSent), Number(report.FramesSent / seconds));
        table.AddRow("connections opened", Number(report.ConnectionsOpened), Number(report.ConnectionsOpened / seconds));
        table.AddRow("closed by the target", Number(report.ConnectionsClosedByTarget), Number(report.ConnectionsClosedByTarget / seconds));
        table.AddRow("errors (connect, send)", Number(report.Errors), Number(report.Errors / seconds));
        table.Caption(string.Create(CultureInfo.InvariantCulture, $"in {report.Elapsed.TotalSeconds:0.0} s"));
        console.Write(table);
    }

    private static string Number(double value) => value.ToString(value >= 100 || value == Math.Floor(value) ? "N0" : "N1", CultureInfo.InvariantCulture);
}
